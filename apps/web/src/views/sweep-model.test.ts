import { describe, expect, it } from 'vitest';
import {
  axesOf,
  coincident,
  fmt,
  parseSweepText,
  progressText,
  streamUrl,
  sweepLines,
  type SweepSummary,
} from './sweep-model.ts';

const columns = [
  'cell',
  'host.kernel',
  'host.memcgLimitMiB',
  'policy',
  'figure',
  'n',
  'mean',
  'min',
  'max',
  'ci95_low',
  'ci95_high',
];
/** Two axes (kernel × limit), two policies, one figure; values encode where they came from. */
function summary(): SweepSummary {
  const rows: SweepSummary['rows'] = [];
  let cell = 0;
  for (const kernel of ['2.6.33', '2.6.34'])
    for (const limit of [64, 128]) {
      for (const policy of ['always-old', 'unmap-emulation']) {
        const mean = (kernel === '2.6.33' ? 100 : 200) + limit + (policy === 'always-old' ? 1 : 2);
        rows.push([
          cell,
          kernel,
          limit,
          policy,
          'slowdown',
          2,
          mean,
          mean - 1,
          mean + 1,
          mean - 2,
          mean + 2,
        ]);
        rows.push([cell, kernel, limit, policy, 'pswpout', 1, 7, 7, 7, null, null]);
      }
      cell++;
    }
  return {
    sweep: 't',
    axes: [
      { path: 'host.kernel', values: ['2.6.33', '2.6.34'] },
      { path: 'host.memcgLimitMiB', values: [64, 128] },
    ],
    seeds: [1, 2],
    policies: ['always-old', 'unmap-emulation'],
    baseline: 'always-old',
    figures: ['slowdown', 'pswpout'],
    columns,
    rows,
  };
}

describe('the sweep view model', () => {
  it('gives a line per policy along one axis, at the first value of the others by default', () => {
    const lines = sweepLines(summary(), 'slowdown', 'host.memcgLimitMiB');
    expect(lines.map((l) => l.policy)).toEqual(['always-old', 'unmap-emulation']);
    expect(lines[0].points.map((p) => [p.x, p.mean, p.low, p.high])).toEqual([
      [64, 165, 163, 167],
      [128, 229, 227, 231],
    ]);
    expect(lines[1].points.map((p) => p.mean)).toEqual([166, 230]);
  });

  it('follows the value chosen for another axis, and can put that axis on the chart instead', () => {
    const at34 = sweepLines(summary(), 'slowdown', 'host.memcgLimitMiB', {
      'host.kernel': '2.6.34',
    });
    expect(at34[0].points.map((p) => p.mean)).toEqual([265, 329]);
    const byKernel = sweepLines(summary(), 'slowdown', 'host.kernel', {
      'host.memcgLimitMiB': 128,
    });
    expect(byKernel[0].points.map((p) => [p.x, p.mean])).toEqual([
      ['2.6.33', 229],
      ['2.6.34', 329],
    ]);
  });

  it('says which lines lie on each other, so a hidden line is explained', () => {
    const lines = sweepLines(summary(), 'slowdown', 'host.memcgLimitMiB');
    // 165 vs 166 and 229 vs 230: within 1 %, not within 0.1 %
    expect(coincident(lines)).toEqual([['always-old', 'unmap-emulation']]);
    expect(coincident(lines, 0.001)).toEqual([]);
  });

  it('with no interval (one seed) the band is the mean itself', () => {
    const p = sweepLines(summary(), 'pswpout', 'host.memcgLimitMiB')[0].points[0];
    expect([p.mean, p.low, p.high, p.n]).toEqual([7, 7, 7, 1]);
  });

  it('says where sweep text is not JSON, by line and column', () => {
    const r = parseSweepText('{\n  "name": "x",\n  oops\n}');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^line 3, column 3: /);
    expect(parseSweepText('[1]')).toMatchObject({ ok: false, message: /must be a JSON object/ });
    expect(parseSweepText('{"name":"a","axes":{"seed":[1],"x.y":[2]}}')).toMatchObject({
      ok: true,
    });
    expect(axesOf({ axes: { seed: [1], 'x.y': [2] } })).toEqual(['x.y']);
  });

  it('writes progress and values for people', () => {
    const st = {
      id: 'a',
      name: 'n',
      state: 'running' as const,
      done: 12,
      total: 24,
      jobs: 8,
      elapsedSeconds: 3,
      runsPerSecond: 4,
      etaSeconds: 2.2,
    };
    expect(progressText(st)).toBe('12 of 24 runs · 4.0 runs/s · 3 s left');
    expect(progressText({ ...st, state: 'done', done: 24, etaSeconds: 0 })).toBe(
      '24 of 24 runs · 4.0 runs/s · done in 3.0 s',
    );
    expect([fmt(null), fmt(0), fmt(1.23456), fmt(36676.4)]).toEqual(['–', '0', '1.23', '36,676']);
    expect(streamUrl({ protocol: 'https:', host: 'h:1' }, 'x y')).toBe(
      'wss://h:1/api/sweeps/x%20y/stream',
    );
  });
});
