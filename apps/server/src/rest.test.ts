import { ALL_COUNTERS, Comparison, getPreset, summarize } from '@agelab/sim-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { createRun, until } from './test-support.ts';

let app: FastifyInstance;

beforeAll(async () => {
  app = await buildApp(
    { ...DEFAULT_CONFIG, webDist: '/nonexistent', maxRuns: 6, maxGuestMiB: 1024 },
    { logger: false },
  );
});
afterAll(async () => {
  await app.close();
});

/** Delete every run, so each test starts under the run limit. */
async function clear(): Promise<void> {
  for (const r of app.registry.list()) app.registry.delete(r.id);
}

const post = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/runs', payload: payload as object });

describe('the REST API', () => {
  it('answers /healthz, lists presets and policies, and serves its OpenAPI description', async () => {
    expect((await app.inject('/healthz')).json()).toMatchObject({ ok: true });
    const presets = (await app.inject('/api/presets')).json() as { name: string }[];
    expect(presets.map((p) => p.name)).toEqual(['classic', 'classic-thp', 'idle', 'scan-hot']);
    const policies = (await app.inject('/api/policies')).json() as {
      name: string;
      title: string;
    }[];
    expect(policies.map((p) => p.name)).toEqual(['always-old', 'unmap-emulation', 'ept-ad-bits']);
    expect(policies.every((p) => p.title.length > 0)).toBe(true);
    const openapi = (await app.inject('/openapi.json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/runs',
        '/api/runs/{id}',
        '/api/runs/{id}/fork',
        '/api/runs/{id}/history.csv',
        '/api/runs/{id}/trace.json',
        '/api/presets',
        '/api/policies',
      ]),
    );
  });

  it('creates a run and a comparison, reads their state and counters, lists and deletes them', async () => {
    await clear();
    const run = await createRun(app, { preset: 'classic', policy: 'ept-ad-bits' });
    const cmp = await createRun(app, {
      preset: 'classic',
      policies: ['always-old', 'unmap-emulation'],
      seed: 7,
    });
    expect(run.token).not.toBe(cmp.token);
    const state = (await app.inject(`/api/runs/${cmp.id}`)).json();
    expect(state).toMatchObject({
      id: cmp.id,
      preset: 'classic',
      seed: 7,
      policies: ['always-old', 'unmap-emulation'],
      state: { refIndex: 0, playing: false },
    });
    expect(state).not.toHaveProperty('token');
    expect(Object.keys(state.runs[0].counters)).toEqual([...ALL_COUNTERS.names]);
    expect(
      ((await app.inject('/api/runs')).json() as { id: string }[]).map((r) => r.id).sort(),
    ).toEqual([run.id, cmp.id].sort());
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/runs/${run.id}`,
      headers: { authorization: `Bearer ${run.token}` },
    });
    expect(del.statusCode).toBe(204);
    expect((await app.inject(`/api/runs/${run.id}`)).statusCode).toBe(404);
  });

  it('exports the counter history as CSV and JSON, and a Perfetto trace with reclaim slices', async () => {
    await clear();
    const { id } = await createRun(app, {
      preset: 'classic',
      policies: ['always-old', 'ept-ad-bits'],
    });
    const run = app.registry.get(id)!;
    run.player.stepRefs(300_000);
    await until(() => !run.player.busy, 20_000, 'the step');

    const json = (await app.inject(`/api/runs/${id}/history.json`)).json();
    expect(json.samples.length).toBe(31); // every 100 simulated ms from 0 to 3 s
    expect(json.samples[30].refIndex).toBe(300_000);
    const headless = new Comparison(getPreset('classic'), ['always-old', 'ept-ad-bits'], 1);
    headless.step(300_000);
    summarize(headless).forEach((s, r) =>
      expect(json.samples[30].values[r]).toEqual(ALL_COUNTERS.names.map((n) => s.counters[n])),
    );

    const csv = await app.inject(`/api/runs/${id}/history.csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(['time_s', 'ref_index', 'policy', ...ALL_COUNTERS.names].join(','));
    expect(lines).toHaveLength(1 + 31 * 2);
    expect(lines[lines.length - 1]).toMatch(/^3,300000,ept-ad-bits,/);

    const trace = (await app.inject(`/api/runs/${id}/trace.json`)).json() as {
      traceEvents: { name: string; ph: string; pid: number; dur?: number }[];
      otherData: { note: string };
    };
    const reclaim = trace.traceEvents.filter(
      (e) => e.ph === 'X' && e.name === 'try_to_free_mem_cgroup_pages',
    );
    expect(reclaim.length).toBeGreaterThan(0);
    expect(new Set(reclaim.map((e) => e.pid))).toEqual(new Set([1, 2]));
    expect(trace.traceEvents.some((e) => e.ph === 'C' && e.name === 'pgmajfault')).toBe(true);
    expect(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name')).toHaveLength(
      2,
    );
    expect(trace.otherData.note).toBe('complete');
    // The number of slices is the number of reclaim passes counted.
    const passes = headless.sims.map((s) => s.counters[ALL_COUNTERS.index.sim_reclaim_passes]);
    expect(reclaim.filter((e) => e.pid === 1)).toHaveLength(passes[0]);
    const bad = await app.inject(`/api/runs/${id}/trace.json?counters=pgmajfault,nope`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/unknown counter "nope"/);
  });

  it('replays knob changes given at creation (a shared URL) at their references', async () => {
    await clear();
    const knobs = [{ at: 100_000, knob: 'limitMiB', value: 96 } as const];
    const { id } = await createRun(app, { preset: 'classic', policy: 'always-old', knobs });
    const run = app.registry.get(id)!;
    run.player.stepRefs(200_000);
    await until(() => !run.player.busy);
    const headless = new Comparison(getPreset('classic'), ['always-old'], 1);
    headless.step(100_000);
    headless.setKnob('limitMiB', 96);
    headless.step(100_000);
    const got = (await app.inject(`/api/runs/${id}`)).json();
    expect(got.state.knobLog).toEqual(knobs);
    expect(got.runs[0].counters).toEqual(summarize(headless)[0].counters);
    expect(got.runs[0].counters.limit_in_bytes).toBe(96 * 1024 * 1024);
  });

  it('forks a run at its current time, with a new id and token', async () => {
    await clear();
    const { id, token } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const run = app.registry.get(id)!;
    run.player.stepRefs(50_000);
    await until(() => !run.player.busy);
    const res = await app.inject({ method: 'POST', url: `/api/runs/${id}/fork` });
    expect(res.statusCode).toBe(201);
    const fork = res.json();
    expect(fork.id).not.toBe(id);
    expect(fork.token).not.toBe(token);
    expect((await app.inject(`/api/runs/${fork.id}`)).json().state.refIndex).toBe(50_000);
    expect((await app.inject(`/api/runs/${fork.id}/history.json`)).json().samples).toHaveLength(6);
  });
});

describe('bad requests get a status and a JSON body naming the problem', () => {
  const cases: [string, unknown, number, string, RegExp][] = [
    [
      'an unknown preset',
      { preset: 'nope', policy: 'always-old' },
      400,
      'unknown_preset',
      /unknown preset "nope"; valid presets: classic/,
    ],
    [
      'an unknown policy',
      { preset: 'classic', policies: ['always-old', 'lru'] },
      400,
      'unknown_policy',
      /unknown policy "lru"/,
    ],
    [
      'a policy twice',
      { preset: 'classic', policies: ['always-old', 'always-old'] },
      400,
      'bad_request',
      /each policy at most once/,
    ],
    [
      'preset and scenario',
      { preset: 'classic', scenario: {}, policy: 'always-old' },
      400,
      'bad_request',
      /exactly one of "preset"/,
    ],
    [
      'neither policy nor policies',
      { preset: 'classic' },
      400,
      'bad_request',
      /exactly one of "policy"/,
    ],
    [
      'an unknown field',
      { preset: 'classic', policy: 'always-old', sed: 3 },
      400,
      'bad_request',
      /must NOT have additional properties/,
    ],
    [
      'a seed that is not an integer',
      { preset: 'classic', policy: 'always-old', seed: 1.5 },
      400,
      'bad_request',
      /seed must be integer/,
    ],
    [
      'too many policies',
      { preset: 'classic', policies: Array.from({ length: 17 }, (_, i) => `p${i}`) },
      400,
      'bad_request',
      /policies must NOT have more than 16 items/,
    ],
    [
      'an unknown knob',
      { preset: 'classic', policy: 'always-old', knobs: [{ at: 0, knob: 'swap', value: 1 }] },
      400,
      'bad_request',
      /knob must be equal to one of the allowed values/,
    ],
  ];
  for (const [what, body, status, code, message] of cases) {
    it(`refuses ${what}`, async () => {
      const res = await post(body);
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ statusCode: status, error: code });
      expect(res.json().message).toMatch(message);
    });
  }

  it("refuses a bad scenario with the simulation's messages: field, value, allowed range", async () => {
    const res = await post({
      policy: 'always-old',
      scenario: {
        name: 's',
        guest: { memoryMiB: 2 },
        host: { memcgLimitMiB: 1, swapMiB: 0 },
        workload: { type: 'hotcold', hotMiB: 1, hotShare: 7 },
      },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('bad_scenario');
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^guest\.memoryMiB: .*\(got 2\); allowed minimum 4/),
        expect.stringMatching(/^workload\.hotShare: .*\(got 7\); allowed maximum 1/),
      ]),
    );
  });

  it('refuses a guest over the configured limit, and a trace workload', async () => {
    const base = {
      name: 's',
      host: { memcgLimitMiB: 64, swapMiB: 64 },
      workload: { type: 'uniform' },
    };
    const big = await post({
      policy: 'always-old',
      scenario: { ...base, guest: { memoryMiB: 2048 } },
    });
    expect(big.statusCode).toBe(400);
    expect(big.json()).toMatchObject({ error: 'limit' });
    expect(big.json().message).toMatch(/memoryMiB: 2048 is over this server's limit of 1024 MiB/);
    const trace = await post({
      policy: 'always-old',
      scenario: {
        ...base,
        guest: { memoryMiB: 64 },
        workload: { type: 'trace', trace: 'x', loop: true },
      },
    });
    expect(trace.statusCode).toBe(400);
    expect(trace.json().message).toMatch(/workload type "trace"/);
  });

  it('refuses malformed JSON, an oversized body and a wrong content type', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: { 'content-type': 'application/json' },
      payload: '{"preset":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/JSON/);
    const huge = await app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { preset: 'classic', policy: 'always-old', scenario: { pad: 'x'.repeat(300_000) } },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().statusCode).toBe(413);
    const text = await app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(400);
    expect(text.json().message).toMatch(/body must be object/);
  });

  it('refuses a malformed id, an unknown id and an unknown route', async () => {
    const malformed = await app.inject('/api/runs/bad%20id!');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().message).toMatch(/params\/id must match pattern/);
    const unknown = await app.inject('/api/runs/abcdef');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      error: 'not_found',
      message: 'no run with id "abcdef" (it may have expired or been deleted)',
    });
    for (const url of ['/api/runs/abcdef/history.csv', '/api/runs/abcdef/trace.json'])
      expect((await app.inject(url)).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/runs/abcdef/fork' })).statusCode).toBe(
      404,
    );
    const route = await app.inject('/api/nothing');
    expect(route.statusCode).toBe(404);
    expect(route.json().message).toBe('no route GET /api/nothing');
  });

  it('needs the token to delete a run: 401 without, 403 with a wrong one', async () => {
    await clear();
    const { id, token } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const none = await app.inject({ method: 'DELETE', url: `/api/runs/${id}` });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: 'missing_token' });
    const wrong = await app.inject({
      method: 'DELETE',
      url: `/api/runs/${id}`,
      headers: { 'x-agelab-token': 'guess' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ error: 'bad_token' });
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/api/runs/${id}`,
          headers: { 'x-agelab-token': token },
        })
      ).statusCode,
    ).toBe(204);
  });

  it('refuses a run over the limit with 429, and frees the slot when an idle run expires', async () => {
    await clear();
    for (let i = 0; i < 6; i++) await createRun(app, { preset: 'idle', policy: 'always-old' });
    const res = await post({ preset: 'idle', policy: 'always-old' });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ error: 'too_many_runs' });
    expect(res.json().message).toMatch(/at most 6 runs/);
    app.registry.sweep(Date.now() + DEFAULT_CONFIG.idleRunMs + 1);
    expect(app.registry.size).toBe(0);
    expect((await post({ preset: 'idle', policy: 'always-old' })).statusCode).toBe(201);
  });
});
