import {
  CELLS_DELTA,
  CELLS_SHARES,
  CELLS_SINGLE,
  FRAME,
  NO_PAGE,
  lensId,
  type CellsFrame,
} from '@agelab/protocol';
import { describe, expect, it } from 'vitest';
import {
  alarmIndices,
  applyCells,
  cellClass,
  cellCounts,
  cellRange,
  cellsFor,
  diffClass,
  gridLayout,
} from './cells.ts';

const frame = (over: Partial<CellsFrame>): CellsFrame => ({
  type: FRAME.CELLS,
  runIndex: 0,
  seq: 0,
  refIndex: 0,
  viewport: 1,
  lens: lensId('residency'),
  classes: 5,
  flags: 0,
  cells: 2,
  from: 0,
  to: 8,
  index: new Uint32Array(0),
  values: new Uint8Array([4, 0, 0, 0, 0, 0, 0, 2, 0, 2]),
  ...over,
});

describe('cells', () => {
  it('a keyframe replaces the buffer and a delta updates the listed cells in place', () => {
    const k = applyCells(null, frame({}), 0);
    expect(k.result).toBe('keyframe');
    const buf = k.buf!;
    const d = applyCells(
      buf,
      frame({
        flags: CELLS_DELTA,
        index: new Uint32Array([1]),
        values: new Uint8Array([0, 0, 0, 0, 4]),
      }),
      1,
    );
    expect(d.result).toBe('delta');
    expect(d.buf).toBe(buf);
    expect(cellCounts(buf, 1)).toEqual([0, 0, 0, 0, 4]);
    expect(cellCounts(buf, 0)).toEqual([4, 0, 0, 0, 0]);
  });

  it('lists the cells deltas changed since the map drew, and gives up past an eighth of them', () => {
    const single = CELLS_SINGLE;
    const key = frame({ flags: single, cells: 32, classes: 5, values: new Uint8Array(32) });
    const buf = applyCells(null, key, 0).buf!;
    expect(buf.changed).toBeNull(); // a keyframe: draw everything
    buf.changed = []; // the map drew it
    const delta = (cells: number[]) =>
      applyCells(
        buf,
        frame({
          flags: single | CELLS_DELTA,
          cells: 32,
          index: Uint32Array.from(cells),
          values: new Uint8Array(cells.length).fill(1),
        }),
        1,
      );
    delta([3]);
    delta([7, 9]);
    expect(buf.changed).toEqual([3, 7, 9]);
    delta([10, 11]); // 5 of 32 > 1/8: a full redraw is cheaper
    expect(buf.changed).toBeNull();
  });

  it('drops frames of an older viewport and refuses deltas that do not match the keyframe', () => {
    const buf = applyCells(null, frame({ viewport: 3 }), 3).buf;
    expect(applyCells(buf, frame({ viewport: 2 }), 3).result).toBe('old');
    const other = frame({
      viewport: 4,
      flags: CELLS_DELTA,
      index: new Uint32Array([0]),
      values: new Uint8Array(5),
    });
    expect(applyCells(buf, other, 3).result).toBe('stale');
  });

  it('colours a cell by an alarm class whenever any page is in it, else by its majority', () => {
    const belief = lensId('belief');
    const alarms = alarmIndices(belief);
    // no_verdict, agreed, false_old, false_young, hot_swapped
    const b = applyCells(
      null,
      frame({ lens: belief, values: new Uint8Array([0, 9, 1, 0, 0, 0, 9, 0, 3, 0]) }),
      0,
    ).buf!;
    expect(cellClass(b, 0, alarms)).toBe(2);
    expect(cellClass(b, 1, alarms)).toBe(1);
    expect(alarms[0]).toBe(4); // hot but swapped out outranks false old
  });

  it('one page per cell is exact, and a cell of no page has no class', () => {
    const b = applyCells(
      null,
      frame({ flags: CELLS_SINGLE, values: new Uint8Array([3, NO_PAGE]) }),
      0,
    ).buf!;
    expect(cellClass(b, 0, [])).toBe(3);
    expect(cellClass(b, 1, [])).toBe(-1);
    expect(cellCounts(b, 0)).toEqual([0, 0, 0, 1, 0]);
  });

  it('the difference lens compares swapped pages of the same cells in two runs', () => {
    const a = applyCells(
      null,
      frame({ flags: CELLS_SINGLE, values: new Uint8Array([4, 1]) }),
      0,
    ).buf!;
    const b = applyCells(
      null,
      frame({ flags: CELLS_SINGLE, values: new Uint8Array([1, 1]) }),
      0,
    ).buf!;
    expect(diffClass(a, b, 0)).toBe(2);
    expect(diffClass(b, a, 0)).toBe(1);
    expect(diffClass(a, b, 1)).toBe(0);
    const m = applyCells(
      null,
      frame({ flags: CELLS_SINGLE, values: new Uint8Array([2, 1]) }),
      0,
    ).buf!;
    expect(diffClass(b, m, 0)).toBe(3);
    const c = applyCells(null, frame({ flags: CELLS_SHARES }), 0).buf!;
    expect(diffClass(a, c, 0)).toBe(-1);
  });

  it('cells split their range evenly', () => {
    const g = { from: 10, to: 20, cells: 3 };
    expect([0, 1, 2].map((i) => cellRange(g, i))).toEqual([
      [10, 13],
      [13, 16],
      [16, 20],
    ]);
  });

  it('lays n cells out as square cells that fit the box', () => {
    expect(gridLayout(200 * 100, 200, 100)).toEqual({ cols: 200, rows: 100, size: 1 });
    const g = gridLayout(65536, 680, 340);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(65536);
    expect(g.cols * g.size).toBeLessThanOrEqual(680 + 1e-9);
    expect(g.rows * g.size).toBeLessThanOrEqual(340 + 1e-9);
    expect(g.size).toBeGreaterThan(1.8);
  });

  it('asks for at most one cell per pixel and never more cells than pages', () => {
    expect(cellsFor(65536, 680, 340, 1 << 20)).toBe(65536);
    expect(cellsFor(1 << 20, 680, 340, 1 << 20)).toBe(680 * 340);
    expect(cellsFor(1 << 20, 680, 340, 100_000)).toBe(100_000);
  });
});
