import {
  CELLS_DELTA,
  CELLS_SHARES,
  CELLS_SINGLE,
  FRAME,
  type CellsFrame,
  type CountersFrame,
  type Frame,
} from '@agelab/protocol';
import {
  ALL_COUNTERS,
  Comparison,
  classOf,
  getPreset,
  pageClasses,
  summarize,
  type KnobName,
} from '@agelab/sim-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CellMirror,
  SeriesMirror,
  TestViewer,
  createRun,
  listeningApp,
  until,
} from './test-support.ts';

const POLICIES = ['always-old', 'unmap-emulation', 'ept-ad-bits'];

let app: FastifyInstance;
let wsBase: string;

beforeAll(async () => {
  ({ app, ws: wsBase } = await listeningApp());
});
afterAll(async () => {
  await app.close();
});

/** The newest COUNTERS frame of each run among `frames`. */
function latestCounters(frames: Frame[]): CountersFrame[] {
  const out: CountersFrame[] = [];
  for (const f of frames) if (f.type === FRAME.COUNTERS) out[f.runIndex] = f;
  return out;
}

/** Counter record of a decoded frame, by kernel name (the welcome's counterNames). */
function record(f: CountersFrame): Record<string, number> {
  return Object.fromEntries(ALL_COUNTERS.names.map((n, i) => [n, f.values[i]]));
}

/** The same comparison done headless: the same references, the same knob changes at the same references. */
function headless(
  refIndex: number,
  knobs: { at: number; knob: KnobName; value: number }[] = [],
): Comparison {
  const c = new Comparison(getPreset('classic'), POLICIES, 1);
  for (const k of knobs) {
    c.step(k.at - c.refIndex);
    c.setKnob(k.knob, k.value);
  }
  c.step(refIndex - c.refIndex);
  return c;
}

/** Send a driving message and wait until the run has stopped moving after it. */
async function drive(
  v: TestViewer,
  msg: Parameters<TestViewer['send']>[0] & object,
  id: number,
): Promise<number> {
  const from = v.items.length;
  const reply = await v.request(msg, id);
  expect(reply).toMatchObject({ type: 'ack', id });
  const state = await v.json('state', from, (m) => !m.state.busy);
  return state.state.refIndex;
}

async function countersAt(v: TestViewer, refIndex: number): Promise<CountersFrame[]> {
  await until(
    () => {
      const c = latestCounters(v.frames());
      return c.length === POLICIES.length && c.every((f) => f.refIndex === refIndex);
    },
    20_000,
    `counters at ${refIndex}`,
  );
  return latestCounters(v.frames());
}

function expectSameAsHeadless(frames: CountersFrame[], cmp: Comparison): void {
  const want = summarize(cmp);
  frames.forEach((f, r) => {
    expect(record(f), POLICIES[r]).toEqual(want[r].counters);
    expect(f.values[ALL_COUNTERS.names.length]).toBeCloseTo(want[r].slowdown, 12);
  });
}

describe('the stream of a comparison', () => {
  it('streams exactly the counters of the same comparison run headless, through play, steps, seeks and knobs', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policies: POLICIES });
    const v = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=${token}`);
    const welcome = await v.json('welcome');
    expect(welcome).toMatchObject({
      role: 'driver',
      policies: POLICIES,
      guestPages: 65536,
      rate: 100_000,
    });
    expect(welcome.counterNames).toEqual([...ALL_COUNTERS.names]);

    // Play, then pause: playing moves in quanta of 10 simulated ms, so the pause lands on a round reference.
    await v.request({ type: 'play', speed: 20 }, 1);
    const run = app.registry.get(id)!;
    await until(() => run.cmp.refIndex >= 300_000, 20_000, 'play');
    let ref = await drive(v, { type: 'pause' }, 2);
    expect(ref % 1000).toBe(0);
    expectSameAsHeadless(await countersAt(v, ref), headless(ref));

    // One reference, a span of simulated time, then to the next reclaim pass.
    ref = await drive(v, { type: 'step', refs: 1 }, 3);
    expectSameAsHeadless(await countersAt(v, ref), headless(ref));
    ref = await drive(v, { type: 'step', seconds: 0.25 }, 4);
    expectSameAsHeadless(await countersAt(v, ref), headless(ref));
    const before = ref;
    ref = await drive(v, { type: 'step', until: 'reclaim' }, 5);
    expect(ref).toBeGreaterThan(before);
    const passes = (f: CountersFrame[]) =>
      f.reduce((a, x) => a + x.values[ALL_COUNTERS.index.sim_reclaim_passes], 0);
    const atReclaim = await countersAt(v, ref);
    expectSameAsHeadless(atReclaim, headless(ref));
    expect(passes(atReclaim)).toBeGreaterThan(
      passes(latestCounters(v.frames().filter((f) => f.refIndex === before))),
    );

    // Seek backward, turn a knob there, go on: the same as a headless run with that knob change.
    ref = await drive(v, { type: 'seek', time: 1 }, 6);
    expect(ref).toBe(100_000);
    expectSameAsHeadless(await countersAt(v, ref), headless(ref));
    expect(await v.request({ type: 'knob', name: 'limitMiB', value: 96 }, 7)).toMatchObject({
      type: 'ack',
    });
    const knobs = [{ at: 100_000, knob: 'limitMiB' as const, value: 96 }];
    ref = await drive(v, { type: 'step', seconds: 1.5 }, 8);
    expect(ref).toBe(250_000);
    expectSameAsHeadless(await countersAt(v, ref), headless(ref, knobs));
    // Back before the knob change and forward past it again: the recorded change is replayed.
    ref = await drive(v, { type: 'seek', refIndex: 50_000 }, 9);
    expectSameAsHeadless(await countersAt(v, ref), headless(ref));
    ref = await drive(v, { type: 'seek', refIndex: 200_000 }, 10);
    expectSameAsHeadless(await countersAt(v, ref), headless(ref, knobs));
    const beforeReset = v.items.length;
    ref = await drive(v, { type: 'reset' }, 11);
    expect(ref).toBe(0);
    expect((await v.json('state', beforeReset)).state.knobLog).toEqual(knobs);
    v.close();
  });

  it('starts a late viewer at a keyframe of its viewport, then keeps it exact with deltas', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policies: POLICIES });
    const driver = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=${token}`);
    await driver.json('welcome');
    const ref = await drive(driver, { type: 'step', seconds: 2 }, 1);

    const late = await TestViewer.open(`${wsBase}/api/runs/${id}/stream`);
    expect((await late.json('welcome')).role).toBe('viewer');
    // no viewport, no cells
    await countersAt(late, ref);
    expect(late.frames().some((f) => f.type === FRAME.CELLS)).toBe(false);
    // one page a cell: the cells are the residency class of every page
    const reply = await late.request(
      { type: 'viewport', from: 0, to: 65536, cells: 65536, lens: 'residency' },
      5,
    );
    expect(reply).toMatchObject({ type: 'viewport', cells: 65536, from: 0, to: 65536 });
    if (reply.type !== 'viewport') return;
    const mirror = new CellMirror();
    await until(
      () => {
        late.frames().forEach((f) => mirror.apply(f));
        return POLICIES.every((_, r) => mirror.values[r]?.length === 65536);
      },
      10_000,
      'keyframes',
    );
    const cells = late.frames().filter((f): f is CellsFrame => f.type === FRAME.CELLS);
    expect(
      cells.slice(0, POLICIES.length).map((f) => [f.flags & CELLS_DELTA, f.viewport, f.refIndex]),
    ).toEqual(POLICIES.map(() => [0, reply.viewport, ref]));
    const want = headless(ref);
    want.sims.forEach((sim, r) => {
      const words = pageClasses(sim);
      expect(mirror.values[r]).toEqual(Uint8Array.from(words, (w) => classOf(w, 0)));
    });

    // The driver moves on; the late viewer applies deltas and ends where a headless run is.
    const ref2 = await drive(driver, { type: 'step', seconds: 0.5 }, 2);
    await countersAt(late, ref2);
    await until(
      () =>
        late
          .frames()
          .some((f) => f.type === FRAME.CELLS && f.flags & CELLS_DELTA && f.refIndex === ref2),
      10_000,
      'a delta',
    );
    mirror.reset();
    late.frames().forEach((f) => mirror.apply(f));
    const want2 = headless(ref2);
    want2.sims.forEach((sim, r) => {
      const words = pageClasses(sim);
      expect(mirror.values[r]).toEqual(Uint8Array.from(words, (w) => classOf(w, 0)));
    });
    // a viewer that subscribed to no events gets no EVENTS frames
    expect(late.frames().some((f) => f.type === FRAME.EVENTS)).toBe(false);
    driver.close();
    late.close();
  });

  it('answers a viewport with exactly the cells asked, whose class counts sum to the pages they cover', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policies: POLICIES });
    const v = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=${token}`);
    await v.json('welcome');
    const ref = await drive(v, { type: 'step', seconds: 3 }, 1);
    // 60,000 pages in 1,000 cells of the LRU lens: 60 pages a cell, exact counts
    const mark = v.items.length;
    const reply = await v.request(
      { type: 'viewport', run: 1, from: 4000, to: 64000, cells: 1000, lens: 'lru' },
      2,
    );
    expect(reply).toMatchObject({ type: 'viewport', cells: 1000, run: 1 });
    if (reply.type !== 'viewport') return;
    const f = (await v.next(
      (i) =>
        i.kind === 'frame' && i.frame.type === FRAME.CELLS && i.frame.viewport === reply.viewport,
      mark,
    )) as { kind: 'frame'; frame: CellsFrame };
    const cells = f.frame;
    expect(cells.runIndex).toBe(1);
    expect(cells.cells).toBe(1000);
    expect(cells.flags & (CELLS_SINGLE | CELLS_SHARES)).toBe(0);
    expect(cells.values.length).toBe(1000 * 3);
    const words = pageClasses(headless(ref).sims[1]);
    for (let i = 0; i < 1000; i++) {
      const a = 4000 + Math.floor((i * 60000) / 1000);
      const b = 4000 + Math.floor(((i + 1) * 60000) / 1000);
      const row = cells.values.subarray(i * 3, i * 3 + 3);
      expect(row[0] + row[1] + row[2]).toBe(b - a);
      let active = 0;
      for (let g = a; g < b; g++) if (classOf(words[g], 1) === 0) active++;
      expect(row[0]).toBe(active);
    }
    // the whole guest in 100 cells: shares of 255 that sum to 255, no class with a page at 0
    const big = await v.request(
      { type: 'viewport', from: 0, to: 65536, cells: 100, lens: 'residency' },
      3,
    );
    if (big.type !== 'viewport') throw new Error('no viewport reply');
    await until(
      () =>
        v.frames().filter((x) => x.type === FRAME.CELLS && x.viewport === big.viewport).length ===
        POLICIES.length,
      10_000,
      'share cells',
    );
    for (const x of v
      .frames()
      .filter((x): x is CellsFrame => x.type === FRAME.CELLS && x.viewport === big.viewport)) {
      expect(x.flags & CELLS_SHARES).toBe(CELLS_SHARES);
      for (let i = 0; i < 100; i++)
        expect(x.values.subarray(i * 5, i * 5 + 5).reduce((a, c) => a + c, 0)).toBe(255);
    }
    // a bad viewport is refused with the field named
    expect(
      await v.request({ type: 'viewport', run: 7, from: 0, to: 10, cells: 5, lens: 'lru' }, 4),
    ).toMatchObject({
      type: 'error',
      code: 'bad_message',
      message: expect.stringMatching(/viewport\.run: 7 is not a run/),
    });
    v.close();
  });

  it('streams series equal to the counter history of a headless run, and a late joiner gets them from the start', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policies: POLICIES });
    const v = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=${token}`);
    const welcome = await v.json('welcome');
    const ref = await drive(v, { type: 'step', seconds: 2 }, 1);
    const late = await TestViewer.open(`${wsBase}/api/runs/${id}/stream`);
    await late.json('welcome');
    await countersAt(late, ref);
    const points = ref / (welcome.rate / 10) + 1; // every 100 simulated ms, from 0
    await until(() => new SeriesMirror(late.frames()).at[0]?.length === points, 10_000, 'series');
    const got = new SeriesMirror(late.frames());
    const cmp = new Comparison(getPreset('classic'), POLICIES, 1);
    const pf = welcome.series.findIndex((s) => s.name === 'pf_fixed');
    const usage = welcome.series.findIndex((s) => s.name === 'usage_in_bytes');
    let prev = cmp.sims.map((s) => s.counters.slice());
    for (let i = 1; i < points; i++) {
      cmp.step(welcome.rate / 10);
      cmp.sims.forEach((s, r) => {
        s.host.syncGauges();
        expect(got.at[r][i]).toBe(cmp.refIndex);
        expect(got.value(r, i, pf)).toBeCloseTo(
          (s.counters[ALL_COUNTERS.index.pf_fixed] - prev[r][ALL_COUNTERS.index.pf_fixed]) / 0.1,
          6,
        );
        expect(got.value(r, i, usage)).toBe(s.counters[ALL_COUNTERS.index.usage_in_bytes]);
      });
      prev = cmp.sims.map((s) => s.counters.slice());
    }
    // and the coarse map history, one point per 0.8 simulated s so far
    await until(
      () => late.frames().filter((f) => f.type === FRAME.MAP_HISTORY).length >= POLICIES.length,
      10_000,
      'map history',
    );
    const hist = late.frames().filter((f) => f.type === FRAME.MAP_HISTORY);
    expect(hist.map((f) => f.runIndex).sort()).toEqual([0, 1, 2]);
    for (const f of hist) if (f.type === FRAME.MAP_HISTORY) expect(f.at[0]).toBe(0);
    v.close();
    late.close();
  });

  it('lets a viewer fork the run at its current time, with its own token', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policies: POLICIES });
    const teacher = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=${token}`);
    await teacher.json('welcome');
    const ref = await drive(teacher, { type: 'step', seconds: 1 }, 1);
    const student = await TestViewer.open(`${wsBase}/api/runs/${id}/stream`);
    await student.json('welcome');
    const forked = await student.request({ type: 'fork' }, 1);
    expect(forked).toMatchObject({ type: 'forked' });
    if (forked.type !== 'forked') return;
    expect(forked.token).not.toBe(token);
    const own = await TestViewer.open(
      `${wsBase}/api/runs/${forked.runId}/stream?token=${forked.token}`,
    );
    expect((await own.json('welcome')).state.refIndex).toBe(ref);
    const ref2 = await drive(own, { type: 'step', seconds: 0.5 }, 2);
    expectSameAsHeadless(await countersAt(own, ref2), headless(ref2));
    // The teacher's run did not move.
    expect(app.registry.get(id)!.cmp.refIndex).toBe(ref);
    for (const s of [teacher, student, own]) s.close();
  });
});

describe('a deleted run', () => {
  it('tells its viewers and closes their sockets', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const v = await TestViewer.open(`${wsBase}/api/runs/${id}/stream`);
    await v.json('welcome');
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/runs/${id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(204);
    expect(await v.json('error')).toMatchObject({
      code: 'not_found',
      message: 'this run was deleted',
    });
    await until(() => v.closed !== null, 5000, 'close');
    expect(v.closed?.code).toBe(4404);
  });
});

describe('the token rule', () => {
  it('refuses driving messages from a viewer without the token, and the socket carries on', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const v = await TestViewer.open(`${wsBase}/api/runs/${id}/stream`);
    expect((await v.json('welcome')).role).toBe('viewer');
    for (const [i, msg] of (
      [
        { type: 'play' },
        { type: 'pause' },
        { type: 'step', refs: 10 },
        { type: 'speed', value: 2 },
        { type: 'reset' },
        { type: 'seek', time: 1 },
        { type: 'knob', name: 'thp', value: 1 },
      ] as const
    ).entries()) {
      expect(await v.request(msg, i + 1)).toMatchObject({
        type: 'error',
        code: 'forbidden',
        id: i + 1,
      });
    }
    expect(app.registry.get(id)!.player.busy).toBe(false);
    expect(await v.request({ type: 'auth', token: 'not-the-token' }, 20)).toMatchObject({
      type: 'error',
      code: 'bad_token',
    });
    expect(await v.request({ type: 'auth', token }, 21)).toEqual({
      type: 'role',
      id: 21,
      role: 'driver',
    });
    expect(await v.request({ type: 'step', refs: 10 }, 22)).toMatchObject({
      type: 'ack',
      of: 'step',
    });
    v.close();
  });

  it('makes a socket with a wrong token in its URL a viewer and says so', async () => {
    const { id } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const v = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=wrong`);
    expect((await v.json('welcome')).role).toBe('viewer');
    expect(await v.json('error')).toMatchObject({ code: 'bad_token' });
    v.close();
  });
});

describe('bad messages on the socket', () => {
  it('answers each with an error naming the problem and keeps the socket usable', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policy: 'always-old' });
    const v = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=${token}`);
    await v.json('welcome');
    const cases: [string | Buffer, string, RegExp][] = [
      ['{not json', 'bad_json', /not JSON/],
      ['"a string"', 'bad_message', /JSON object/],
      ['{"type":"fly"}', 'unknown_type', /unknown message type "fly"/],
      ['{"type":"step","refs":-5}', 'bad_message', /step\.refs: -5 is out of range/],
      [
        '{"type":"knob","name":"limitMiB","value":0}',
        'bad_message',
        /limitMiB = 0 is out of range/,
      ],
      ['{"type":"knob","name":"thp","value":0.5}', 'bad_message', /thp is 0 \(off\) or 1 \(on\)/],
      [
        JSON.stringify({ type: 'auth', token: 'x'.repeat(5000) }),
        'too_large',
        /over the limit of 4096/,
      ],
      [Buffer.from([1, 2, 3]), 'binary_not_accepted', /JSON text/],
    ];
    for (const [raw, code, message] of cases) {
      const from = v.items.length;
      v.socket.send(raw);
      const err = await v.json('error', from);
      expect(err.code, String(raw).slice(0, 40)).toBe(code);
      expect(err.message).toMatch(message);
    }
    expect(await v.request({ type: 'keyframe' }, 99)).toMatchObject({
      type: 'ack',
      of: 'keyframe',
    });
    expect(v.closed).toBeNull();
    v.close();
  });

  it('rate-limits a flood, with an error per refused message, and serves the socket again after', async () => {
    const limited = await listeningApp({ maxMessagesPerSecond: 10 });
    const { id } = await createRun(limited.app, { preset: 'classic', policy: 'always-old' });
    const v = await TestViewer.open(`${limited.ws}/api/runs/${id}/stream`);
    await v.json('welcome');
    const from = v.items.length;
    for (let i = 0; i < 30; i++) v.send({ type: 'keyframe', id: i });
    await until(
      () => v.items.slice(from).filter((i) => i.kind === 'json').length >= 30,
      10_000,
      '30 replies',
    );
    const replies = v.items.slice(from).flatMap((i) => (i.kind === 'json' ? [i.msg] : []));
    const refused = replies.filter((m) => m.type === 'error' && m.code === 'rate_limited');
    expect(refused.length).toBeGreaterThanOrEqual(15);
    await new Promise((r) => setTimeout(r, 300));
    expect(await v.request({ type: 'keyframe' }, 100)).toMatchObject({ type: 'ack' });
    v.close();
    await limited.app.close();
  });

  it('refuses a socket for an unknown run, and a viewer over the limit', async () => {
    const v = await TestViewer.open(`${wsBase}/api/runs/no-such-run/stream`);
    expect(await v.json('error')).toMatchObject({ code: 'not_found' });
    await until(() => v.closed !== null, 5000, 'close');
    expect(v.closed?.code).toBe(4404);

    const small = await listeningApp({ maxViewersPerRun: 1 });
    const { id } = await createRun(small.app, { preset: 'classic', policy: 'always-old' });
    const a = await TestViewer.open(`${small.ws}/api/runs/${id}/stream`);
    await a.json('welcome');
    const b = await TestViewer.open(`${small.ws}/api/runs/${id}/stream`);
    expect(await b.json('error')).toMatchObject({ code: 'too_many_viewers' });
    await until(() => b.closed !== null, 5000, 'close');
    a.close();
    await small.app.close();
  });
});
