import { EV } from '@agelab/ept-model';
import { describe, expect, it } from 'vitest';
import { Comparison } from './comparison.ts';
import { EventLog } from './event-log.ts';
import { getPreset } from './presets.ts';

describe('EventLog', () => {
  it('keeps every event in `all` mode, in order, and starts a new window on drain', () => {
    const clock = { now: 0 };
    const log = new EventLog('all', clock);
    for (let i = 0; i < 10_000; i++) {
      clock.now = i;
      log.emit(EV.SWAP_OUT, i, i % 7);
    }
    const b = log.drain();
    expect(b.count).toBe(10_000);
    expect(b.dropped).toBe(0);
    expect(b.gfn[9_999]).toBe(9_999);
    expect(b.arg[13]).toBe(6);
    expect(log.drain().count).toBe(0);
  });

  it('holds a bounded, time-ordered uniform sample in `sampled` mode and says how much it left out', () => {
    const clock = { now: 0 };
    const log = new EventLog('sampled', clock, 1000);
    for (let i = 0; i < 100_000; i++) {
      clock.now = i;
      log.emit(EV.REF, i, 0);
    }
    const b = log.drain();
    expect(b.count).toBe(1000);
    expect(b.dropped).toBe(99_000);
    for (let i = 1; i < b.count; i++) expect(b.at[i]).toBeGreaterThanOrEqual(b.at[i - 1]);
    // uniform: about half the sample comes from each half of the window
    const firstHalf = Array.from(b.at).filter((t) => t < 50_000).length;
    expect(firstHalf).toBeGreaterThan(400);
    expect(firstHalf).toBeLessThan(600);
  });

  it('records only the kinds asked for', () => {
    const log = new EventLog('all', { now: 0 });
    log.setMode('all', { kinds: [EV.RECLAIM] });
    log.emit(EV.REF, 1, 0);
    log.emit(EV.RECLAIM, 0, 1);
    const b = log.drain();
    expect(Array.from(b.kind)).toEqual([EV.RECLAIM]);
    expect(b.dropped).toBe(0);
  });

  it('costs nothing when off', () => {
    const log = new EventLog('off', { now: 0 });
    expect(log.on).toBe(false);
  });
});

describe('events of a run', () => {
  it('stepping with every event: one REF per reference, and faults, swap-outs and aging as they happen', () => {
    const cmp = new Comparison(getPreset('classic'), ['unmap-emulation'], 1, { eventMode: 'all' });
    const kinds: number[] = [];
    let dropped = 0;
    cmp.subscribe((_, b) => {
      for (let i = 0; i < b.count; i++) kinds.push(b.kind[i]);
      dropped += b.dropped;
    });
    cmp.step(140_000); // the boot phase plus a little: reclaim has started
    const b = { dropped };
    const count = (k: number) => kinds.filter((x) => x === k).length;
    expect(count(EV.REF)).toBe(140_000);
    expect(count(EV.EPT_VIOLATION)).toBeGreaterThan(65_536);
    expect(count(EV.SWAP_OUT)).toBe(cmp.sims[0].counterRecord().pswpout);
    expect(count(EV.RECLAIM)).toBe(2 * cmp.sims[0].counterRecord().sim_reclaim_passes);
    expect(b.dropped).toBe(0);
  });

  it('sampled events leave the counters exactly as a run without events', () => {
    const a = new Comparison(getPreset('classic'), ['always-old'], 1, { eventMode: 'sampled' });
    const b = new Comparison(getPreset('classic'), ['always-old'], 1);
    a.runFor(3);
    b.runFor(3);
    expect(a.sims[0].counterRecord()).toEqual(b.sims[0].counterRecord());
    const batch = a.sims[0].events.drain();
    expect(batch.count).toBeLessThanOrEqual(4096);
    expect(batch.dropped).toBeGreaterThan(0);
  });
});

describe('Comparison.subscribe', () => {
  it('delivers every event of every run to subscribers, also during one long step', () => {
    const cmp = new Comparison(getPreset('classic'), ['always-old', 'unmap-emulation'], 1, {
      eventMode: 'all',
    });
    const refs = [0, 0];
    const swapOuts = [0, 0];
    const off = cmp.subscribe((run, b) => {
      for (let i = 0; i < b.count; i++) {
        if (b.kind[i] === EV.REF) refs[run]++;
        if (b.kind[i] === EV.SWAP_OUT) swapOuts[run]++;
      }
      expect(b.dropped).toBe(0);
    });
    cmp.step(400_000);
    expect(refs).toEqual([400_000, 400_000]);
    expect(swapOuts).toEqual(cmp.sims.map((s) => s.counterRecord().pswpout));
    off();
    cmp.step(10);
    expect(refs[0]).toBe(400_000);
  });
});
