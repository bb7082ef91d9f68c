/**
 * Issue 14: a regression test for each row of the table ("a classroom that tries to break it"),
 * the fault isolation of runs, the web security headers and checks, and the newcomer items.
 */
import { Writable } from 'node:stream';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG, type ServerConfig } from './config.ts';
import { MAX_QUANTUM_REFS } from './live-run.ts';
import { bodyOfDescriptor, descriptorOf } from './run-spec.ts';
import { CELLS_DELTA, FRAME } from '@agelab/protocol';
import { KEYFRAME_INTERVAL_MS, idOf } from './routes/stream.ts';
import { TestViewer, createRun, listeningApp, until } from './test-support.ts';

const cfg = (o: Partial<ServerConfig> = {}): ServerConfig => ({
  ...DEFAULT_CONFIG,
  webDist: '/nonexistent',
  ...o,
});

const small = {
  name: 'small',
  guest: { memoryMiB: 16 },
  host: { memcgLimitMiB: 8, swapMiB: 32 },
  workload: { type: 'uniform' },
};
const big = {
  name: 'big',
  guest: { memoryMiB: 4096 },
  host: { memcgLimitMiB: 2048, swapMiB: 4096 },
};
const zipf = { type: 'zipf', exponent: 1.1 };

/** Log lines (parsed) written by an app built with `logging()`. */
function logging(): { lines: Record<string, unknown>[]; logger: object } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, logger: { level: 'debug', stream } };
}

describe('REST input at the edge (rows 1, 5, 10, 14)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp(cfg({ maxRunsPerClient: 100, maxRuns: 100 }), { logger: false });
  });
  afterAll(() => app.close());
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/runs', payload: payload as object });

  it('row 1: a mix of 1,024 zipf parts, or 3 whole-guest zipfs over 4 GiB, is a 400 naming the limit, built never', async () => {
    const inner = {
      type: 'mix',
      parts: Array.from({ length: 64 }, () => ({ weight: 1, workload: zipf })),
    };
    const w = {
      type: 'mix',
      parts: Array.from({ length: 16 }, () => ({ weight: 1, workload: inner })),
    };
    const res = await post({ scenario: { ...big, workload: w }, policy: 'always-old' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_scenario' });
    expect(res.body).toContain('maxWorkloadLeaves');
    const three = {
      type: 'mix',
      parts: [zipf, zipf, zipf].map((workload) => ({ weight: 1, workload })),
    };
    const r3 = await post({ scenario: { ...big, workload: three }, policy: 'always-old' });
    expect(r3.statusCode).toBe(400);
    expect(r3.json().message).toMatch(/24 MiB.*allowed maximum 16 MiB/s);
    expect(app.registry.size).toBe(0);
  });

  it('row 10: phases nested 1,000 deep are a 400 naming the depth, not a 500', async () => {
    let w: unknown = { type: 'uniform' };
    for (let i = 0; i < 1000; i++) w = { type: 'phases', phases: [{ seconds: 1, workload: w }] };
    const res = await post({ scenario: { ...small, workload: w }, policy: 'always-old' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/nested more than 64 levels deep/);
  });

  it('row 5: REST knobs get the socket ranges (limit −100 or 0, thp 7, khugepaged never sleeping)', async () => {
    for (const [knob, value] of [
      ['limitMiB', -100],
      ['limitMiB', 0],
      ['thp', 7],
      ['khugepagedScanSleepMs', 0],
      ['khugepagedPagesToScan', 2 ** 25],
      ['hotMiB', 17],
      ['khugepagedPagesToScan', 4096.5],
    ] as const) {
      const res = await post({
        scenario: small,
        policy: 'always-old',
        knobs: [{ at: 0, knob, value }],
      });
      expect(res.statusCode, `${knob}=${value}`).toBe(400);
      expect(res.json().message).toContain(`knobs.0.value: ${knob === 'thp' ? 'thp is' : knob}`);
    }
    // each in range, together 2^24 pages every simulated ms: refused (REST, scenario, socket)
    const both = await post({
      scenario: small,
      policy: 'always-old',
      knobs: [
        { at: 0, knob: 'khugepagedPagesToScan', value: 2 ** 24 },
        { at: 5, knob: 'khugepagedScanSleepMs', value: 1 },
      ],
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toMatch(/knobs \(at 5\): khugepaged would scan/);
    const sc = await post({
      scenario: { ...small, thp: { khugepaged: { pagesToScan: 2 ** 24, scanSleepMs: 1 } } },
      policy: 'always-old',
    });
    expect(sc.statusCode).toBe(400);
    expect(sc.json()).toMatchObject({ error: 'bad_scenario' });
    // and through a descriptor, which is the same body
    const d = descriptorOf({
      preset: 'idle',
      scenario: small as never,
      policies: ['always-old'],
      seed: 1,
      knobs: [{ at: 0, knob: 'limitMiB', value: 0 }],
    });
    expect(bodyOfDescriptor(d, 1 << 20).knobs).toHaveLength(1);
    const res = await post({ descriptor: d });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('limitMiB = 0 is out of range; allowed 1 to');
    // a good knob still passes
    const ok = await post({
      preset: 'idle',
      policy: 'always-old',
      knobs: [{ at: 0, knob: 'limitMiB', value: 96 }],
    });
    expect(ok.statusCode).toBe(201);
  });

  it('row 14: no type coercion of bodies ("seed": "7", a string policies), query and params still typed', async () => {
    const s = await post({ preset: 'idle', policy: 'always-old', seed: '7' });
    expect(s.statusCode).toBe(400);
    expect(s.json()).toMatchObject({ error: 'bad_request' });
    expect(s.json().message).toContain('seed');
    const p = await post({ preset: 'idle', policies: 'always-old' });
    expect(p.statusCode).toBe(400);
    expect(p.json().message).toContain('policies');
    const k = await post({
      preset: 'idle',
      policy: 'always-old',
      knobs: [{ at: '0', knob: 'thp', value: '1' }],
    });
    expect(k.statusCode).toBe(400);
    // path and query parameters are text by nature, and typed by their schema
    const run = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const h = await app.inject(`/api/runs/${run.id}/pages/3/history?from=0&to=0.001`);
    expect(h.statusCode).toBe(200);
    const bad = await app.inject(`/api/runs/${run.id}/pages/x/history`);
    expect(bad.statusCode).toBe(400);
  });
});

describe('REST error codes and the OpenAPI description', () => {
  it("Fastify's own errors come under our codes, and the OpenAPI lists the replies routes give", async () => {
    const app = await buildApp(cfg({ bodyLimit: 1024 }), { logger: false });
    const send = (ct: string, payload: string) =>
      app.inject({ method: 'POST', url: '/api/runs', headers: { 'content-type': ct }, payload });
    expect((await send('application/json', '{bad')).json().error).toBe('bad_json');
    expect((await send('application/json', '')).json().error).toBe('bad_json');
    expect((await send('text/xml', '<a/>')).json()).toMatchObject({
      statusCode: 415,
      error: 'unsupported_media_type',
    });
    expect((await send('application/json', 'x'.repeat(2000))).json()).toMatchObject({
      statusCode: 413,
      error: 'too_large',
    });
    const doc = (await app.inject('/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/api/runs'].post.responses).sort()).toEqual(
      ['201', '400', '403', '413', '415', '429'].sort(),
    );
    expect(Object.keys(doc.paths['/api/runs/{id}'].delete.responses).sort()).toEqual(
      ['204', '400', '401', '403', '404'].sort(),
    );
    expect(doc.paths['/api/runs/{id}/trace.json'].get.responses).toHaveProperty('429');
    await app.close();
  });
});

describe('budgets and quotas (rows 6, 7)', () => {
  it('row 6: a server-wide page budget (guest pages × policies), not only a run count', async () => {
    // 2 runs of 4 GiB × 3 policies = 6M pages: the third is refused
    const app = await buildApp(cfg({ maxPages: 6 * 2 ** 20, maxRunsPerClient: 100 }), {
      logger: false,
    });
    const body = {
      scenario: { ...big, workload: { type: 'uniform' }, boot: false },
      policies: ['always-old', 'unmap-emulation', 'ept-ad-bits'],
    };
    expect(app.registry.size).toBe(0);
    const a = await app.inject({ method: 'POST', url: '/api/runs', payload: body });
    expect(a.statusCode).toBe(201);
    const b = await app.inject({ method: 'POST', url: '/api/runs', payload: body });
    expect(b.statusCode).toBe(201);
    const c = await app.inject({ method: 'POST', url: '/api/runs', payload: body });
    expect(c.statusCode).toBe(429);
    expect(c.json().message).toContain('AGELAB_MAX_PAGES');
    expect(app.registry.pages).toBe(6 * 2 ** 20);
    // a small run still fits in what is left? none is left: the budget is exact
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/runs',
          payload: { preset: 'idle', policy: 'always-old' },
        })
      ).statusCode,
    ).toBe(429);
    await app.close();
  });

  it('row 7: runs and forks per client (remote address); a client at its quota replaces its own unwatched run; anonymous reads keep nothing alive', async () => {
    const { app, ws } = await listeningApp({ maxRunsPerClient: 2, maxForksPerClient: 1 });
    const as = (ip: string, url: string, payload?: object, headers: object = {}) =>
      app.inject({
        method: payload ? 'POST' : 'GET',
        url,
        payload,
        remoteAddress: ip,
        headers: headers as never,
      });
    const body = { preset: 'idle', policy: 'always-old' };
    const r1 = (await as('10.0.0.1', '/api/runs', body)).json();
    const r2 = (await as('10.0.0.1', '/api/runs', body)).json();
    // r1 and r2 are watched: the third of this client is refused, another client's passes
    const v1 = await TestViewer.open(`${ws}/api/runs/${r1.id}/stream`);
    const v2 = await TestViewer.open(`${ws}/api/runs/${r2.id}/stream`);
    await v1.json('welcome');
    await v2.json('welcome');
    const third = await as('10.0.0.1', '/api/runs', body);
    expect(third.statusCode).toBe(429);
    expect(third.json().message).toContain('AGELAB_MAX_RUNS_PER_CLIENT');
    expect((await as('10.0.0.2', '/api/runs', body)).statusCode).toBe(201);
    // unwatched, the oldest is replaced
    v1.close();
    await until(() => app.registry.get(r1.id)!.hub.viewers.size === 0, 5000, 'v1 to leave');
    expect((await as('10.0.0.1', '/api/runs', body)).statusCode).toBe(201);
    expect(app.registry.get(r1.id)).toBeUndefined();
    // forks: one per client
    expect((await as('10.0.0.3', `/api/runs/${r2.id}/fork`, {})).statusCode).toBe(201);
    const f2 = await as('10.0.0.3', `/api/runs/${r2.id}/fork`, {});
    expect(f2.statusCode).toBe(201); // the first fork is unwatched: replaced
    const fv = await TestViewer.open(`${ws}/api/runs/${f2.json().id}/stream`);
    await fv.json('welcome');
    expect((await as('10.0.0.3', `/api/runs/${r2.id}/fork`, {})).statusCode).toBe(429);
    // anonymous reads do not keep a run alive; the owner's do
    const run = app.registry.get(r2.id)!;
    run.lastActive = 0;
    await as('10.0.0.9', `/api/runs/${r2.id}`);
    await as('10.0.0.9', `/api/runs/${r2.id}/history.json`);
    expect(run.lastActive).toBe(0);
    await as('10.0.0.1', `/api/runs/${r2.id}`, undefined, { authorization: `Bearer ${r2.token}` });
    expect(run.lastActive).toBeGreaterThan(0);
    // an anonymous viewer does not keep it alive either: expired, and the viewer is told
    run.lastActive = 0;
    app.registry.sweep();
    expect(app.registry.get(r2.id)).toBeUndefined();
    await until(() => v2.closed !== null, 5000, 'the viewer to be closed');
    expect(v2.closed!.code).toBe(4404);
    fv.close();
    await app.close();
  });
});

describe('the player (rows 4, fault isolation)', () => {
  it('row 4: at rate 1e9 a playing move is at most MAX_QUANTUM_REFS references, and a pause comes at once', async () => {
    const { app, ws } = await listeningApp();
    const { id, token } = await createRun(app, {
      scenario: { ...small, rate: 1e9 },
      policy: 'always-old',
    });
    const run = app.registry.get(id)!;
    const v = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    await v.json('welcome');
    await v.request({ type: 'auth', token }, 1);
    await v.request({ type: 'play', speed: 1 }, 2);
    // one slice (the first tick) moves at most one quantum, not 10 M references
    await until(() => run.cmp.refIndex > 0, 10_000, 'the run to move');
    expect(run.cmp.refIndex).toBeLessThanOrEqual(2 * MAX_QUANTUM_REFS);
    expect(await v.request({ type: 'pause' }, 3)).toMatchObject({ type: 'ack' });
    expect(run.player.playing).toBe(false);
    v.close();
    await app.close();
  });

  it("a throw inside one playing run's tick ends that run with an error to its viewers; the other run and the process go on", async () => {
    const { app, ws, base } = await listeningApp();
    const a = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const b = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const va = await TestViewer.open(`${ws}/api/runs/${a.id}/stream`);
    const vb = await TestViewer.open(`${ws}/api/runs/${b.id}/stream`);
    const watcher = await TestViewer.open(`${ws}/api/runs/${a.id}/stream`);
    for (const v of [va, vb, watcher]) await v.json('welcome');
    await va.request({ type: 'auth', token: a.token }, 1);
    await vb.request({ type: 'auth', token: b.token }, 1);
    await va.request({ type: 'play', speed: 1 }, 2);
    await vb.request({ type: 'play', speed: 1 }, 2);
    const runA = app.registry.get(a.id)!;
    const runB = app.registry.get(b.id)!;
    await until(() => runA.cmp.refIndex > 0 && runB.cmp.refIndex > 0, 10_000, 'both to move');
    // fault injection: run A's Comparison throws on its next move
    runA.cmp.seek = () => {
      throw new Error('injected fault');
    };
    await until(() => watcher.closed !== null && va.closed !== null, 10_000, 'A to end');
    expect(watcher.closed!.code).toBe(1011);
    const err = await watcher.json('error', 0, (m) => m.code === 'internal');
    expect(err.message).toContain('injected fault');
    expect(app.registry.get(a.id)).toBeUndefined();
    // B goes on
    const at = runB.cmp.refIndex;
    await until(() => runB.cmp.refIndex > at, 10_000, 'B to go on');
    expect(vb.closed).toBeNull();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    vb.close();
    await app.close();
  });
});

describe('fault isolation outside the tick', () => {
  it('a throw in a forced publish (a keyframe request) ends that run only', async () => {
    const { app, ws, base } = await listeningApp();
    const a = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const b = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const va = await TestViewer.open(`${ws}/api/runs/${a.id}/stream`);
    const vb = await TestViewer.open(`${ws}/api/runs/${b.id}/stream`);
    await va.json('welcome');
    await vb.json('welcome');
    app.registry.get(a.id)!.hub.publish = () => {
      throw new Error('injected publish fault');
    };
    va.send({ type: 'keyframe', id: 5 });
    await until(() => va.closed !== null, 10_000, 'A to end');
    expect(va.closed!.code).toBe(1011);
    expect(app.registry.get(a.id)).toBeUndefined();
    expect(await vb.request({ type: 'keyframe' }, 6)).toMatchObject({ type: 'ack' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    vb.close();
    await app.close();
  });
});

describe('forced publishes (row 2)', () => {
  it('40 keyframe requests in a second from one socket cost at most a few keyframes, and each is acked', async () => {
    const { app, ws } = await listeningApp();
    const { id } = await createRun(app, {
      preset: 'idle',
      policies: ['always-old', 'ept-ad-bits'],
    });
    const v = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    await v.json('welcome');
    await v.request({ type: 'viewport', from: 0, to: 4096, cells: 4096, lens: 'residency' }, 1);
    await until(() => v.frames().some((f) => f.type === FRAME.CELLS), 10_000, 'the keyframe');
    const from = v.items.length;
    for (let i = 0; i < 40; i++) {
      expect(await v.request({ type: 'keyframe' }, 100 + i)).toMatchObject({ type: 'ack' });
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, KEYFRAME_INTERVAL_MS + 200));
    const keyframes = v
      .frames(from)
      .filter((f) => f.type === FRAME.CELLS && !(f.flags & CELLS_DELTA));
    // 2 runs × (one at once + one per KEYFRAME_INTERVAL_MS over ~1 s, +1 coalesced at the end)
    expect(keyframes.length).toBeGreaterThan(0);
    expect(keyframes.length).toBeLessThanOrEqual(2 * 5);
    v.close();
    await app.close();
  });
});

describe('exports (row 8)', () => {
  it('a trace.json export is cancelled when the client goes away, and one runs at a time per run', async () => {
    const { app, base } = await listeningApp();
    const { id } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const run = app.registry.get(id)!;
    run.cmp.seek(Math.round(40 * run.cmp.rate)); // 40 simulated s to replay: seconds of work
    run.player.visited = run.cmp.refIndex;
    const ac = new AbortController();
    const first = fetch(`${base}/api/runs/${id}/trace.json`, { signal: ac.signal }).catch(
      (e: Error) => e,
    );
    await until(() => run.traceBusy, 5000, 'the replay to start');
    const second = await fetch(`${base}/api/runs/${id}/trace.json`);
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: string }).error).toBe('busy');
    ac.abort();
    await first;
    // cancelled at its next slice, long before 40 simulated seconds are replayed
    await until(() => !run.traceBusy, 3000, 'the replay to stop');
    await app.close();
  });
});

describe('the socket (rows 3, 9, 13, ids)', () => {
  it('row 9: the request log never holds the token of a socket URL', async () => {
    const { lines, logger } = logging();
    const app = await buildApp(cfg(), { logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const { id, token } = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const v = await TestViewer.open(`ws://127.0.0.1:${port}/api/runs/${id}/stream?token=${token}`);
    await v.json('welcome');
    v.close();
    await until(() => lines.some((l) => l.msg === 'viewer left'), 5000, 'the leave line');
    const all = JSON.stringify(lines);
    expect(all).not.toContain(token);
    expect(all).toContain('token=[redacted]');
    await app.close();
  });

  it('row 13: malformed frames (unmasked, bad UTF-8) write no error-level line and no stack', async () => {
    const { lines, logger } = logging();
    const app = await buildApp(cfg(), { logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const { id } = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const raw = (frame: Buffer) =>
      new Promise<void>((resolve) => {
        const s = connect(port, '127.0.0.1', () =>
          s.write(
            `GET /api/runs/${id}/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          ),
        );
        let upgraded = false;
        s.on('data', (d) => {
          if (!upgraded && d.toString().startsWith('HTTP/1.1 101')) {
            upgraded = true;
            s.write(frame);
          }
        });
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
    // a text frame without a mask
    await raw(Buffer.from([0x81, 0x02, 0x7b, 0x7d]));
    // a masked text frame of invalid UTF-8 (mask 0)
    await raw(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]));
    await until(
      () => lines.filter((l) => String(l.msg).includes('client protocol error')).length >= 2,
      5000,
      'the two warnings',
    );
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('"stack"');
    await app.close();
  });

  it('row 3: a socket that floods and never reads holds at most maxBufferedBytes of replies', async () => {
    const { app, ws } = await listeningApp({
      maxBufferedBytes: 64 * 1024,
      maxMessagesPerSecond: 100_000,
    });
    const { id } = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const v = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    await v.json('welcome');
    // stop reading: the client's kernel buffer fills, then the server's
    (v.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const server = [...(app.websocketServer.clients as Set<WebSocket>)][0];
    let most = 0;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 5000; i++) v.socket.send('{}');
      await new Promise((r) => setTimeout(r, 20));
      most = Math.max(most, server.bufferedAmount);
    }
    // 200,000 refused messages, each an error reply of ~150 bytes: 30 MB if queued
    expect(most).toBeLessThan(64 * 1024 + 4096);
    v.socket.terminate();
    await app.close();
  });

  it('bad_message and unknown_type replies echo the id when it can be read', async () => {
    expect(idOf('{"type":"nope","id":7}')).toBe(7);
    expect(idOf('{"id":12, "type": 3')).toBe(12);
    expect(idOf('{"type":"x","id":"7"}')).toBeUndefined();
    expect(idOf('[1,2]')).toBeUndefined();
    const { app, ws } = await listeningApp();
    const { id } = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const v = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    await v.json('welcome');
    v.send('{"type":"nope","id":41}');
    expect(await v.json('error', 0, (m) => m.id === 41)).toMatchObject({ code: 'unknown_type' });
    v.send('{"type":"viewport","id":42,"from":"x"}');
    expect(await v.json('error', 0, (m) => m.id === 42)).toMatchObject({ code: 'bad_message' });
    v.close();
    await app.close();
  });
});

describe('web security (rows 11, 12)', () => {
  let app: FastifyInstance;
  let base: string;
  let ws: string;
  beforeAll(async () => {
    ({ app, base, ws } = await listeningApp({ allowedHosts: ['lab.example'] }));
  });
  afterAll(() => app.close());

  it('row 11: every reply has CSP (frame-ancestors none), nosniff and Referrer-Policy', async () => {
    for (const url of ['/', '/healthz', '/api/runs', '/nope']) {
      const res = await fetch(`${base}${url}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
  });

  it('row 12: a foreign Origin may not open a stream or POST; the own origin and no Origin may; Host is checked', async () => {
    const { id } = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const evil = new WebSocket(`${ws}/api/runs/${id}/stream`, {
      headers: { origin: 'http://evil.example' },
    });
    const status = await new Promise<number>((resolve) => {
      evil.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      evil.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    const own = new WebSocket(`${ws}/api/runs/${id}/stream`, { headers: { origin: base } });
    await new Promise((r) => own.on('open', r));
    own.close();
    const fork = await fetch(`${base}/api/runs/${id}/fork`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: '',
    });
    expect(fork.status).toBe(403);
    expect(((await fork.json()) as { error: string }).error).toBe('bad_origin');
    const mine = await app.inject({
      method: 'POST',
      url: `/api/runs/${id}/fork`,
      headers: { origin: 'http://localhost:80', host: 'localhost:80' },
    });
    expect(mine.statusCode).toBe(201);
    // DNS rebinding: a foreign name in Host
    const rebound = await app.inject({ url: '/api/runs', headers: { host: 'evil.example:8080' } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().error).toBe('bad_host');
    expect(
      (await app.inject({ url: '/api/runs', headers: { host: 'lab.example:8080' } })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ url: '/api/runs', headers: { host: '192.168.1.20:8080' } })).statusCode,
    ).toBe(200);
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(DEFAULT_CONFIG.host).toBe('127.0.0.1');
  });
});
