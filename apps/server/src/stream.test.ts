import { FRAME, type CountersFrame, type Frame, type KeyframeFrame } from '@agelab/protocol';
import {
  ALL_COUNTERS,
  Comparison,
  getPreset,
  pageView,
  summarize,
  type EventMode,
  type KnobName,
} from '@agelab/sim-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestViewer, createRun, listeningApp, until } from './test-support.ts';

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

/**
 * The same comparison done headless: the same references, the same knob changes at the same
 * references. Page views need eventMode 'all' as the live run has while watched: the hot-window
 * bit is measured from host.now, which only the traced path advances on every reference.
 */
function headless(
  refIndex: number,
  knobs: { at: number; knob: KnobName; value: number }[] = [],
  eventMode: EventMode = 'off',
): Comparison {
  const c = new Comparison(getPreset('classic'), POLICIES, 1, { eventMode });
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

  it('starts a late viewer at a keyframe, then keeps it exact with deltas', async () => {
    const { id, token } = await createRun(app, { preset: 'classic', policies: POLICIES });
    const driver = await TestViewer.open(`${wsBase}/api/runs/${id}/stream?token=${token}`);
    await driver.json('welcome');
    const ref = await drive(driver, { type: 'step', seconds: 2 }, 1);

    const late = await TestViewer.open(`${wsBase}/api/runs/${id}/stream`);
    expect((await late.json('welcome')).role).toBe('viewer');
    await until(
      () => late.frames().filter((f) => f.type === FRAME.KEYFRAME).length >= POLICIES.length,
      10_000,
      'keyframes',
    );
    const first = late.frames().slice(0, POLICIES.length);
    expect(first.map((f) => [f.type, f.runIndex, f.refIndex])).toEqual(
      POLICIES.map((_, r) => [FRAME.KEYFRAME, r, ref]),
    );
    const pages = (first as KeyframeFrame[]).map((f) => f.pages.slice());
    const want = headless(ref, [], 'all');
    want.sims.forEach((sim, r) => {
      const view = new Uint8Array(sim.guestPages);
      pageView(sim, view);
      expect(pages[r]).toEqual(view);
    });

    // The driver moves on; the late viewer applies deltas and ends where a headless run is.
    const from = late.items.length;
    const ref2 = await drive(driver, { type: 'step', seconds: 0.5 }, 2);
    await countersAt(late, ref2);
    const frames = late.frames(0).slice(POLICIES.length);
    expect(frames.some((f) => f.type === FRAME.DELTA)).toBe(true);
    for (const f of frames) {
      if (f.type === FRAME.KEYFRAME) pages[f.runIndex] = f.pages.slice();
      if (f.type === FRAME.DELTA) f.index.forEach((g, i) => (pages[f.runIndex][g] = f.value[i]));
    }
    expect(from).toBeGreaterThan(0);
    const want2 = headless(ref2, [], 'all');
    want2.sims.forEach((sim, r) => {
      const view = new Uint8Array(sim.guestPages);
      pageView(sim, view);
      expect(pages[r]).toEqual(view);
    });
    // Stepping streams every event: each REF event of the half second is there.
    const refs = frames
      .filter((f) => f.type === FRAME.EVENTS && f.runIndex === 0)
      .reduce(
        (a, f) => a + (f.type === FRAME.EVENTS ? f.kind.filter((k) => k === 0).length : 0),
        0,
      );
    expect(refs).toBe(ref2 - ref);
    driver.close();
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
