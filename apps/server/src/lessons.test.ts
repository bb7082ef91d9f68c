import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LessonError, loadLessons, parseLesson } from './lessons.ts';

const good = {
  name: 'x',
  title: 'X',
  preset: 'classic',
  policies: ['always-old'],
  summary: 'a lesson',
  steps: [{ title: 'one', text: 'look here', look: 'at that', set: { lens: 'heat', time: 3 } }],
};

describe('lessons', () => {
  it('ships the two lessons of the issue, valid, each with its preset and policies', () => {
    const lessons = loadLessons();
    const byName = Object.fromEntries(lessons.map((l) => [l.name, l]));
    expect(byName['why-the-patch']).toMatchObject({
      title: 'Why the patch was needed',
      preset: 'classic',
    });
    expect(byName['hugepages-under-reclaim']).toMatchObject({ preset: 'classic-thp' });
    for (const l of lessons) expect(l.steps.length).toBeGreaterThan(2);
    // the classic lesson walks through the belief lens and a knob change
    const why = byName['why-the-patch'];
    expect(why.steps.some((s) => s.set.lens === 'belief')).toBe(true);
    expect(why.steps.some((s) => s.set.knob?.name === 'limitMiB')).toBe(true);
  });

  it('refuses a bad lesson naming the file and the field', () => {
    const cases: [object, RegExp][] = [
      [{ ...good, preset: 'nope' }, /f\.json: preset: "nope" is not a preset/],
      [{ ...good, policies: ['fast'] }, /policies\.0: "fast" is not a policy/],
      [
        { ...good, steps: [{ ...good.steps[0], set: { lens: 'colour' } }] },
        /steps\.0\.set\.lens: "colour" is not a lens/,
      ],
      [
        { ...good, steps: [{ ...good.steps[0], set: { knob: { name: 'swap', value: 1 } } }] },
        /steps\.0\.set\.knob\.name: "swap" is not a knob/,
      ],
      [
        { ...good, steps: [{ ...good.steps[0], set: { time: -1 } }] },
        /steps\.0\.set\.time: expected simulated seconds/,
      ],
      [
        { ...good, steps: [{ ...good.steps[0], look: '' }] },
        /steps\.0\.look: expected a non-empty string/,
      ],
      [{ ...good, colour: 'red' }, /colour: unknown field/],
      [{ ...good, steps: [] }, /steps: expected 1 to 50 steps/],
    ];
    for (const [raw, message] of cases) {
      expect(() => parseLesson(raw, 'f.json')).toThrow(LessonError);
      expect(() => parseLesson(raw, 'f.json')).toThrow(message);
    }
    const dir = mkdtempSync(join(tmpdir(), 'lessons-'));
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');
    expect(() => loadLessons(dir)).toThrow(/broken\.json: \(file\): not JSON/);
  });
});
