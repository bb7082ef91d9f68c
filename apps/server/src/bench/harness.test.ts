import { describe, expect, it } from 'vitest';
import { classicBench } from './classic.ts';
import { runEntries, skipped, type BenchEntry, type EntryOutcome } from './harness.ts';
import { hotPathBench } from './hot-path.ts';
import { machineInfo } from './machine.ts';
import { allBenchmarks } from './registry.ts';
import { replayBench } from './replay.ts';
import { consoleText, markdown } from './report.ts';
import { scalingBench } from './scaling.ts';
import { streamBench } from './stream.ts';
import { viewersBench } from './viewers.ts';
import { interleaved, median } from './timing.ts';

// Shape only: speed is what the benchmarks measure, never what a test asserts.
function expectSound(o: EntryOutcome): void {
  expect(o.error).toBeUndefined();
  expect(o.result.status).toBe('measured');
  expect(o.result.figures.length).toBeGreaterThan(0);
  for (const f of o.result.figures) {
    expect(Number.isFinite(f.value), f.name).toBe(true);
    // A heap delta across building a tiny guest is within the noise of other allocations and
    // collections (it can come out negative); only its being a number is the harness's business.
    if (!f.name.includes('heap per page, measured')) expect(f.value, f.name).toBeGreaterThan(0);
    expect(f.unit).not.toBe('');
  }
  for (const r of o.result.ratios) {
    expect(Number.isFinite(r.ratio), r.subject).toBe(true);
    expect(r.ratio).toBeGreaterThan(0);
  }
  expect(typeof o.result.goal?.met).toBe('boolean');
  expect(o.result.method).not.toBe('');
  if (o.result.goal?.met === false) expect(o.result.obstacle).toBeTruthy();
}

describe('benchmark harness', () => {
  it('runs cheap variants of the simulation benchmarks in quick mode and reports finite, positive figures', async () => {
    const entries = [
      hotPathBench({ guestsMiB: [64], refs: 200_000, reps: 1 }),
      classicBench({ seconds: 0.5, reps: 1 }),
      scalingBench({ guestsMiB: [16, 32], refs: 100_000, reps: 1 }),
      replayBench({ lengths: [2_000, 4_000], reps: 1 }),
    ];
    const seen: string[] = [];
    const outcomes = await runEntries(entries, { quick: true, log: () => {} }, (o) =>
      seen.push(o.entry.id),
    );
    expect(seen).toEqual(['hot-path', 'classic', 'scaling', 'replay']);
    outcomes.forEach(expectSound);
    const md = markdown(outcomes, machineInfo(), true, 1);
    for (const id of seen) expect(md).toContain(`npm run bench -- --only ${id}`);
    expect(md).toContain(machineInfo().cpu);
  });

  it('records a throwing entry as a failure and a skipped one as not measured, and goes on', async () => {
    const boom: BenchEntry = {
      id: 'boom',
      title: 'throws',
      run: () => Promise.reject(new Error('nope')),
    };
    const skip: BenchEntry = {
      id: 'skip',
      title: 'skips',
      goal: 'something',
      run: async () => skipped('no server'),
    };
    const outcomes = await runEntries([boom, skip], { quick: true, log: () => {} });
    expect(outcomes[0].error).toContain('nope');
    expect(outcomes[1].error).toBeUndefined();
    expect(outcomes[1].result.status).toBe('skipped');
    expect(consoleText(outcomes[1])).toContain('not measured: no server');
    expect(markdown(outcomes, machineInfo(), false, 1)).toMatch(
      /\| \[skip\]\(#skip\) \| something \| not measured \| no server \|/,
    );
  });

  it('registers every benchmark of the issue under a unique id', () => {
    const ids = allBenchmarks().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['hot-path', 'classic', 'scaling', 'replay', 'stream', 'viewers']),
    );
  });

  it('takes medians and interleaves', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const order: string[] = [];
    interleaved({ a: () => void order.push('a'), b: () => void order.push('b') }, 2, 1);
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });
});

describe('server benchmarks', () => {
  it('stream and viewers measure a small run over loopback and close everything', async () => {
    const outcomes = await runEntries(
      [
        streamBench({ guestMiB: 16, windowMs: 600 }),
        viewersBench({ levels: [1, 3], windowMs: 300, preset: 'classic' }),
      ],
      { quick: true, log: () => {} },
    );
    for (const o of outcomes) {
      expect(o.error).toBeUndefined();
      expect(o.result.status, o.result.obstacle).toBe('measured');
      for (const f of o.result.figures) {
        expect(Number.isFinite(f.value), f.name).toBe(true);
        expect(f.value, f.name).toBeGreaterThanOrEqual(0);
      }
      expect(o.result.notes?.length).toBeGreaterThan(0);
    }
    const byName = (o: EntryOutcome, name: string) =>
      o.result.figures.find((f) => f.name === name)?.value;
    expect(byName(outcomes[0], 'keyframe size')).toBe(16 * 256 + 64);
    expect(byName(outcomes[1], '3: frames per viewer per second, median')).toBeGreaterThan(0);
  });
});

describe('npm run bench', () => {
  it('parses --quick --only --no-write and prints the entry with its ratio', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const main = new URL('./main.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', main, '--quick', '--no-write', '--only', 'classic'],
      { timeout: 150_000 },
    );
    expect(stdout).toContain('== classic:');
    expect(stdout).toMatch(
      /ratio three-policy comparison \/ the three policies run one by one = [0-9.]+/,
    );
    expect(stdout).not.toContain('wrote');
    // quick mode runs classic's 60 simulated s too (fewer repetitions): minutes on a loaded machine
  }, 180_000);
});
