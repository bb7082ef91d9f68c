import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOBS, LENS_NAMES } from '@agelab/protocol';
import { POLICY_NAMES, PRESET_NAMES } from '@agelab/sim-core';

/**
 * A lesson for a teacher: a guided walk through a scenario in a few steps of text. Each step
 * sets the lens, the time or a knob and says what to look at; the teacher drives, the class
 * follows. Lessons are data: one JSON file per lesson in `lessons/`, validated here, so a teacher
 * can write one and be told exactly what is wrong with it.
 */
import type { Lesson, LessonStep } from '@agelab/protocol';
export type { Lesson, LessonStep } from '@agelab/protocol';

export class LessonError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    message: string,
  ) {
    super(`${file}: ${path}: ${message}`);
  }
}

export const LESSONS_DIR = fileURLToPath(new URL('../../../lessons', import.meta.url));

type Obj = Record<string, unknown>;

/** Validate one lesson (already parsed JSON); throws LessonError naming the field. */
export function parseLesson(raw: unknown, file: string): Lesson {
  const fail = (path: string, message: string): never => {
    throw new LessonError(file, path, message);
  };
  const obj = (v: unknown, path: string): Obj =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Obj)
      : fail(path, 'expected an object');
  const str = (o: Obj, key: string, path: string, max = 2000): string => {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '')
      return fail(`${path}${key}`, 'expected a non-empty string');
    if (v.length > max) return fail(`${path}${key}`, `at most ${max} characters (got ${v.length})`);
    return v;
  };
  const only = (o: Obj, keys: string[], path: string) => {
    for (const k of Object.keys(o))
      if (!keys.includes(k)) fail(`${path}${k}`, `unknown field; allowed: ${keys.join(', ')}`);
  };
  const l = obj(raw, '(top)');
  only(l, ['name', 'title', 'preset', 'policies', 'summary', 'steps'], '');
  const name = str(l, 'name', '', 64);
  if (!/^[a-z0-9-]+$/.test(name))
    fail('name', `"${name}": lowercase letters, digits and dashes only`);
  const preset = str(l, 'preset', '', 64);
  if (!PRESET_NAMES.includes(preset))
    fail('preset', `"${preset}" is not a preset; known: ${PRESET_NAMES.join(', ')}`);
  if (!Array.isArray(l.policies) || l.policies.length === 0 || l.policies.length > 8)
    fail('policies', 'expected 1 to 8 policy names');
  const policies = (l.policies as unknown[]).map((p, i) =>
    typeof p === 'string' && POLICY_NAMES.includes(p)
      ? p
      : fail(
          `policies.${i}`,
          `${JSON.stringify(p)} is not a policy; known: ${POLICY_NAMES.join(', ')}`,
        ),
  );
  if (!Array.isArray(l.steps) || l.steps.length === 0 || l.steps.length > 50)
    fail('steps', 'expected 1 to 50 steps');
  const steps = (l.steps as unknown[]).map((raw, i): LessonStep => {
    const p = `steps.${i}.`;
    const s = obj(raw, `steps.${i}`);
    only(s, ['title', 'text', 'look', 'set'], p);
    const set = obj(s.set ?? {}, `${p}set`);
    only(set, ['lens', 'time', 'knob'], `${p}set.`);
    const out: LessonStep['set'] = {};
    if (set.lens !== undefined) {
      if (typeof set.lens !== 'string' || !(LENS_NAMES as readonly string[]).includes(set.lens))
        fail(
          `${p}set.lens`,
          `${JSON.stringify(set.lens)} is not a lens; known: ${LENS_NAMES.join(', ')}`,
        );
      out.lens = set.lens as LessonStep['set']['lens'];
    }
    if (set.time !== undefined) {
      if (
        typeof set.time !== 'number' ||
        !Number.isFinite(set.time) ||
        set.time < 0 ||
        set.time > 3600
      )
        fail(
          `${p}set.time`,
          `expected simulated seconds from 0 to 3600, got ${JSON.stringify(set.time)}`,
        );
      out.time = set.time as number;
    }
    if (set.knob !== undefined) {
      const k = obj(set.knob, `${p}set.knob`);
      only(k, ['name', 'value'], `${p}set.knob.`);
      if (typeof k.name !== 'string' || !(KNOBS as readonly string[]).includes(k.name))
        fail(
          `${p}set.knob.name`,
          `${JSON.stringify(k.name)} is not a knob; known: ${KNOBS.join(', ')}`,
        );
      if (typeof k.value !== 'number' || !Number.isFinite(k.value))
        fail(`${p}set.knob.value`, 'expected a number');
      out.knob = { name: k.name as (typeof KNOBS)[number], value: k.value as number };
    }
    return {
      title: str(s, 'title', p, 200),
      text: str(s, 'text', p),
      look: str(s, 'look', p, 500),
      set: out,
    };
  });
  return {
    name,
    title: str(l, 'title', '', 200),
    preset,
    policies,
    summary: str(l, 'summary', ''),
    steps,
  };
}

/** Every lesson in `dir` (one JSON file each); a bad file is an error naming the file and field. */
export function loadLessons(dir = LESSONS_DIR): Lesson[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const lessons = files.map((f) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch (e) {
      throw new LessonError(f, '(file)', `not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    return parseLesson(raw, f);
  });
  const seen = new Set<string>();
  for (const l of lessons) {
    if (seen.has(l.name))
      throw new LessonError(`${l.name}.json`, 'name', `two lessons are named "${l.name}"`);
    seen.add(l.name);
  }
  return lessons;
}

let cached: Lesson[] | null = null;

/** The shipped lessons, loaded once (the server refuses to start on a bad one). */
export function shippedLessons(): Lesson[] {
  cached ??= loadLessons();
  return cached;
}
