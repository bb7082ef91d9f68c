import { describe, expect, it } from 'vitest';
import { FRAME, type EventsFrame, type WelcomeMsg } from '@agelab/protocol';
import { EVENT_NAMES } from '@agelab/ept-model';
import { useConn } from '../store.ts';
import { eventRing, eventsOnWelcome, filterRows, onEventsFrame, useEvents } from './store.ts';
import { takenLines } from '../kernel-code/branches.ts';

const K = (name: string) => EVENT_NAMES.indexOf(name);
const PATHS = [
  'handle_ept_violation → tdp_page_fault → kvm_mmu_page_fault (EPT violation)',
  'shrink_active_list → page_referenced → page_referenced_one → ptep_clear_flush_young_notify → kvm_age_rmapp: old',
  'shrink_page_list → page_referenced → page_referenced_one → ptep_clear_flush_young_notify → kvm_age_rmapp → kvm_unmap_rmapp: young',
  'shrink_page_list → page_referenced → page_referenced_one → ptep_clear_flush_young_notify → kvm_age_rmapp: young',
  'shrink_page_list → pageout → swap_writepage',
];
const welcome = {
  type: 'welcome',
  policies: ['always-old', 'unmap-emulation', 'ept-ad-bits'],
  eventNames: [...EVENT_NAMES],
  kernelPaths: PATHS,
  limits: { maxEventsPerSecond: 20_000 },
} as unknown as WelcomeMsg;

function frame(
  run: number,
  rows: [kind: string, at: number, gfn: number, arg: number, path: number][],
  dropped = 0,
): EventsFrame {
  return {
    type: FRAME.EVENTS,
    runIndex: run,
    seq: 0,
    refIndex: rows.length ? rows[rows.length - 1][1] : 0,
    kind: Uint8Array.from(rows.map((r) => K(r[0]))),
    at: Float64Array.from(rows.map((r) => r[1])),
    gfn: Uint32Array.from(rows.map((r) => r[2])),
    arg: Int32Array.from(rows.map((r) => r[3])),
    path: Uint16Array.from(rows.map((r) => r[4])),
    dropped,
  } as EventsFrame;
}

describe('the events store', () => {
  it('subscribes to every kind but ref, within the server’s rate limit, and starts empty', () => {
    useConn.setState({ welcome });
    const msg = eventsOnWelcome(welcome);
    expect(msg.type).toBe('events');
    expect(msg.kinds).not.toContain('ref');
    expect(msg.kinds).toContain('age');
    expect(msg.maxPerSecond).toBe(5000);
    expect(eventRing.size).toBe(0);
    expect(useEvents.getState().dropped).toEqual([0, 0, 0]);
  });

  it('keeps each run’s last kvm_age_rmapp branch and shrink_page_list decision', () => {
    useConn.setState({ welcome });
    eventsOnWelcome(welcome);
    onEventsFrame(
      frame(
        0,
        [
          ['age', 100, 7, 0, 1],
          ['swap_out', 100, 7, 0, 4],
        ],
        3,
      ),
    );
    onEventsFrame(
      frame(1, [
        ['rmap_remove', 100, 9, 1, 2],
        ['ept_unmap', 100, 9, 1, 2],
        ['age', 100, 9, 1, 2],
      ]),
    );
    onEventsFrame(frame(2, [['age', 100, 11, 1, 3]]));
    const s = useEvents.getState();
    expect(s.branch.map((b) => b && [b.gfn, b.young, b.unmapped, b.caller])).toEqual([
      [7, false, false, 'shrink_active_list'],
      [9, true, true, 'shrink_page_list'],
      [11, true, false, 'shrink_page_list'],
    ]);
    expect(s.dropped).toEqual([3, 0, 0]);
    expect(eventRing.size).toBe(6);
    const lines = takenLines(welcome.policies, s.branch, s.decision).filter((t) =>
      t.line.startsWith('age'),
    );
    expect(lines.map((t) => t.line)).toEqual([
      'age-2.6.33:ret0',
      'age-2.6.34:unmap',
      'age-2.6.34:abit',
    ]);
    expect(
      takenLines(welcome.policies, s.branch, s.decision).find((t) => t.line.startsWith('spl')),
    ).toMatchObject({
      line: 'spl:pageout',
      policy: 'always-old',
      gfn: 7,
    });
  });

  it('after a seek back, drops what the run will simulate again', () => {
    useConn.setState({ welcome });
    eventsOnWelcome(welcome);
    onEventsFrame(
      frame(0, [
        ['age', 100, 1, 0, 1],
        ['age', 200, 2, 0, 1],
        ['age', 300, 3, 0, 1],
      ]),
    );
    onEventsFrame(
      frame(1, [
        ['age', 150, 4, 0, 1],
        ['age', 250, 5, 0, 1],
      ]),
    );
    // the run went back to 180 and steps again
    onEventsFrame(frame(0, [['age', 180, 6, 0, 1]]));
    onEventsFrame(frame(1, [['age', 190, 7, 0, 1]]));
    const gfns = Array.from({ length: eventRing.size }, (_, i) => eventRing.gfn[eventRing.slot(i)]);
    expect(gfns).toEqual([1, 4, 6, 7]);
  });

  it('filters the log by kind, by run and by the brushed time window', () => {
    useConn.setState({ welcome });
    eventsOnWelcome(welcome);
    onEventsFrame(
      frame(0, [
        ['age', 100_000, 1, 0, 1],
        ['swap_out', 250_000, 2, 0, 4],
        ['age', 400_000, 3, 0, 1],
      ]),
    );
    onEventsFrame(
      frame(1, [
        ['age', 150_000, 4, 1, 2],
        ['ept_unmap', 150_000, 4, 1, 2],
      ]),
    );
    const gfns = (f: Parameters<typeof filterRows>[1]) => {
      const { rows, n } = filterRows(eventRing, f);
      return Array.from(rows.subarray(0, n), (i) => eventRing.gfn[eventRing.slot(i)]);
    };
    const all = { kind: -1, run: null, window: null, rate: 100_000 };
    expect(gfns(all)).toEqual([1, 2, 3, 4, 4]);
    expect(gfns({ ...all, kind: K('age') })).toEqual([1, 3, 4]);
    expect(gfns({ ...all, kind: K('age'), run: 0 })).toEqual([1, 3]);
    // the brush is in simulated seconds: [1.2 s, 3 s] at 100,000 references a second
    expect(gfns({ ...all, window: [1.2, 3] })).toEqual([2, 4, 4]);
    expect(gfns({ ...all, window: [1.2, 3], kind: K('swap_out') })).toEqual([2]);
  });
});
