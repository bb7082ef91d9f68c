import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { pace } from './throttle.ts';

/** A hand-driven clock: `advance` runs the timers that fall due, in time order. */
function fakeClock() {
  let t = 1000;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let id = 0;
  return {
    now: () => t,
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(++id, { at: t + ms, fn });
      return id;
    },
    clearTimeout: (h: unknown) => void timers.delete(h as number),
    advance(ms: number) {
      const end = t + ms;
      for (;;) {
        const due = [...timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at);
        if (due.length === 0) break;
        const [k, x] = due[0];
        timers.delete(k);
        t = x.at;
        x.fn();
      }
      t = end;
    },
  };
}

type S = { time: number; playing: boolean };

function setup(phase = 0) {
  const store = createStore<S>(() => ({ time: 0, playing: true }));
  const clock = fakeClock();
  const seen: [number, number][] = [];
  const un = pace(
    store,
    { ms: 200, phase, settled: (s) => !s.playing },
    (s) => seen.push([clock.now(), s.time]),
    clock,
  );
  // a frame every 33 ms, as the server sends them
  const play = (frames: number) => {
    for (let i = 0; i < frames; i++) {
      clock.advance(33);
      store.setState((s) => ({ time: s.time + 1 }));
    }
  };
  return { store, clock, seen, un, play };
}

describe('pace', () => {
  it('emits at most once per period while changes keep coming, and the latest state last', () => {
    const { seen, play, clock } = setup();
    play(60); // about two seconds of frames
    clock.advance(500);
    const gaps = seen.slice(1).map(([t], i) => t - seen[i][0]);
    expect(seen.length).toBeGreaterThanOrEqual(9);
    expect(seen.length).toBeLessThanOrEqual(11);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    // trailing: the 60th frame's state arrives even though it came mid-period
    expect(seen.at(-1)?.[1]).toBe(60);
  });

  it('emits at once when the state is settled (a pause shows the exact time)', () => {
    const { store, seen, play, clock } = setup();
    play(3);
    const before = seen.length;
    store.setState({ playing: false, time: 42.5 });
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)).toEqual([clock.now(), 42.5]);
    // and a timer that was waiting does not emit the old state afterwards
    clock.advance(1000);
    expect(seen.at(-1)?.[1]).toBe(42.5);
  });

  it('keeps a phase: two subscribers with different phases never emit in the same instant', () => {
    const store = createStore<S>(() => ({ time: 0, playing: true }));
    const clock = fakeClock();
    const a: number[] = [];
    const b: number[] = [];
    pace(store, { ms: 500, phase: 0 }, () => a.push(clock.now()), clock);
    pace(store, { ms: 500, phase: 250 }, () => b.push(clock.now()), clock);
    for (let i = 0; i < 150; i++) {
      clock.advance(33);
      store.setState((s) => ({ time: s.time + 1 }));
    }
    expect(a.length).toBeGreaterThanOrEqual(8);
    expect(b.length).toBeGreaterThanOrEqual(8);
    const nearest = b.map((t) => Math.min(...a.map((u) => Math.abs(u - t))));
    // the offset survives ten periods of jittery frames: the emissions stay well apart
    expect(Math.min(...nearest)).toBeGreaterThanOrEqual(150);
  });

  it('stops emitting after unsubscribe, including a pending trailing emission', () => {
    const { seen, play, clock, un } = setup();
    play(2);
    const n = seen.length;
    play(1);
    un();
    clock.advance(1000);
    expect(seen.length).toBe(n);
  });
});
