import { expandSweep, parseSweep } from '@agelab/sim-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runSweepLocally } from '../sweep/local-runner.ts';
import { runsCsv, summaryCsv } from '../sweep/outputs.ts';
import { TINY_SWEEP } from '../sweep/test-sweeps.ts';
import { listeningApp } from '../test-support.ts';

let app: FastifyInstance;
let ws: string;
const env = process.env.AGELAB_MAX_SWEEP_RUNS;

beforeAll(async () => {
  process.env.AGELAB_MAX_SWEEP_RUNS = '100';
  ({ app, ws } = await listeningApp());
});
afterAll(async () => {
  await app?.close();
  if (env === undefined) delete process.env.AGELAB_MAX_SWEEP_RUNS;
  else process.env.AGELAB_MAX_SWEEP_RUNS = env;
});

interface Status {
  id: string;
  state: string;
  done: number;
  total: number;
  links: Record<string, string>;
}

const post = (body: unknown) =>
  app.inject({ method: 'POST', url: '/api/sweeps', payload: body as object });

/** Every message of a sweep's stream, up to the socket's close. */
function streamOf(id: string): Promise<{ type: string; done: number }[]> {
  return new Promise((resolve, reject) => {
    const sock = new WebSocket(`${ws}/api/sweeps/${id}/stream`);
    const got: { type: string; done: number }[] = [];
    sock.on('message', (d) => got.push(JSON.parse(String(d)) as { type: string; done: number }));
    sock.on('close', () => resolve(got));
    sock.on('error', reject);
  });
}

describe('POST /api/sweeps', () => {
  it('runs a sweep, reports progress, and serves the same results as a local run', async () => {
    const res = await post(TINY_SWEEP);
    expect(res.statusCode).toBe(201);
    const created = res.json() as Status;
    expect(created).toMatchObject({ state: 'running', total: 12 });
    const messages = await streamOf(created.id);
    expect(messages.at(-1)).toMatchObject({ type: 'done', done: 12 });
    expect(messages.map((m) => m.done)).toEqual(
      [...messages.map((m) => m.done)].sort((a, b) => a - b),
    );

    const status = (await app.inject(created.links.self)).json() as Status;
    expect(status).toMatchObject({ state: 'done', done: 12, total: 12 });
    const plan = expandSweep(parseSweep(TINY_SWEEP));
    const local = await runSweepLocally(plan, 2);
    const csv = await app.inject(created.links.runsCsv);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toBe(runsCsv(plan, local));
    expect((await app.inject(created.links.summaryCsv)).body).toBe(summaryCsv(plan, local));
    const json = (await app.inject(created.links.runsJson)).json() as { runs: unknown[] };
    expect(json.runs).toHaveLength(12);
    // the summary's table as JSON, for the dashboard's chart: the same rows as summary.csv
    const summary = (await app.inject(created.links.summaryJson)).json() as {
      policies: string[];
      axes: { path: string; values: unknown[] }[];
      columns: string[];
      rows: unknown[][];
    };
    expect(summary.policies).toEqual(plan.policies);
    expect(summary.axes).toEqual(plan.axes);
    const csvLines = summaryCsv(plan, local).trim().split('\n');
    expect(summary.columns.join(',')).toBe(csvLines[0]);
    expect(summary.rows).toHaveLength(csvLines.length - 1);
    expect(summary.rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))).toEqual(
      csvLines.slice(1),
    );
    const list = (await app.inject('/api/sweeps')).json() as Status[];
    expect(list.map((s) => s.id)).toContain(created.id);
  });

  it('refuses a bad axis with the field, the value and the range, and too many runs', async () => {
    const bad = await post({ ...TINY_SWEEP, axes: { 'host.memcgLimitMiB': [6, 0.1] } });
    expect(bad.statusCode).toBe(400);
    const body = bad.json() as { error: string; issues: string[] };
    expect(body.error).toBe('invalid_sweep');
    expect(body.issues[0]).toMatch(
      /axes\["host.memcgLimitMiB"\] value 0.1: .*allowed minimum 0.25/,
    );

    const big = await post({ ...TINY_SWEEP, axes: { seed: { from: 1, to: 40 } } });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: 'too_many_runs' });
    expect((big.json() as { message: string }).message).toMatch(/120 runs; allowed at most 100/);

    expect((await post({ ...TINY_SWEEP, base: 'scenarios/aliased.json' })).statusCode).toBe(400);
    expect((await app.inject('/api/sweeps/nope')).statusCode).toBe(404);
  });

  it('lists the shipped example sweeps, each one the server accepts as it is', async () => {
    const res = await app.inject('/api/sweeps/examples');
    expect(res.statusCode).toBe(200);
    const examples = res.json() as { file: string; name: string; sweep: object }[];
    expect(examples.map((e) => e.file)).toContain('classic-limit-quick.json');
    for (const e of examples) {
      const plan = expandSweep(parseSweep(e.sweep));
      expect(plan.name, e.file).toBe(e.name);
    }
    // the quick one is meant for a browser session: a couple of dozen short runs
    const quick = examples.find((e) => e.file === 'classic-limit-quick.json')!;
    const plan = expandSweep(parseSweep(quick.sweep));
    expect(plan.runs).toBeLessThanOrEqual(30);
    expect(plan.jobs[0].scenario.seconds).toBeLessThanOrEqual(3);
  });

  it('answers 409 for the results of a sweep still running', async () => {
    const created = (
      await post({ ...TINY_SWEEP, name: 'longer', axes: { seed: { from: 1, to: 30 } } })
    ).json() as Status;
    const early = await app.inject(created.links.runsCsv);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: 'not_finished' });
    await streamOf(created.id);
  });
});
