/**
 * Client-side accumulation of a run's SERIES and MAP_HISTORY frames (protocol v2), in typed arrays
 * that charts draw from without copying. DOM-free.
 *
 * The rules (frames.ts): a frame with `reset` replaces every point held so far (late join, seek
 * back, coarsening); otherwise its points are points `first`, `first + 1`, … of the run's series.
 * A frame may overlap what is held (the server resends after a seek): points from `first` on are
 * replaced and anything after them is dropped, because the newest frame is the truth. A frame
 * that starts after the last held point leaves a gap, which is held as NaN points (lines break
 * there; nothing is invented).
 *
 * Times: frames carry reference indices; buffers hold simulated seconds (refIndex / rate, the
 * welcome's `rate` in references per simulated second), the unit of every time axis.
 *
 * Usage (in a store):
 *   const buf = createSeriesBuffer(welcome.series.length);
 *   applySeriesFrame(buf, frame, welcome.rate);            // on each SERIES frame of the run
 *   const { at, values } = seriesColumn(buf, j);           // views, valid until the next apply
 *   <TimeSeriesChart version={buf.version} runs={[{ name, colour, at, values }]} … />
 */
import type { MapHistoryFrame, SeriesFrame } from '@agelab/protocol';

export interface SeriesBuffer {
  /** Series per point (`welcome.series.length`). */
  readonly width: number;
  /** Points held. */
  count: number;
  /** Simulated seconds of each point; capacity ≥ count. */
  at: Float64Array;
  /** One column per series (column-major, so a series is a zero-copy subarray). */
  columns: Float64Array[];
  /** Simulated seconds between points, as the last frame said (0 before any frame). */
  step: number;
  /** Bumped on every change: charts redraw when it moves. */
  version: number;
}

const INITIAL_CAPACITY = 256;

export function createSeriesBuffer(width: number): SeriesBuffer {
  if (!Number.isInteger(width) || width < 0) throw new RangeError(`invalid series width: ${width}`);
  return {
    width,
    count: 0,
    at: new Float64Array(INITIAL_CAPACITY),
    columns: Array.from({ length: width }, () => new Float64Array(INITIAL_CAPACITY)),
    step: 0,
    version: 0,
  };
}

function grow(a: Float64Array, need: number): Float64Array {
  if (a.length >= need) return a;
  let cap = Math.max(a.length, INITIAL_CAPACITY);
  while (cap < need) cap *= 2;
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/**
 * Where a frame's points go: the index its first point is written at, after reset/gap handling.
 * Exported for tests; shared by both buffers.
 */
export function placeFrame(
  held: number,
  frame: { reset: boolean; first: number },
): { start: number; gap: number } {
  if (frame.reset) return { start: 0, gap: 0 };
  const first = Math.max(0, Math.floor(frame.first));
  if (first <= held) return { start: first, gap: 0 };
  return { start: held, gap: first - held };
}

/** Add one SERIES frame to `buf` (see the rules above). Throws on a frame of another width. */
export function applySeriesFrame(
  buf: SeriesBuffer,
  frame: Pick<SeriesFrame, 'reset' | 'first' | 'step' | 'width' | 'at' | 'values'>,
  refsPerSecond: number,
): void {
  if (frame.width !== buf.width)
    throw new RangeError(`series frame of width ${frame.width}, buffer holds ${buf.width}`);
  if (!(refsPerSecond > 0)) throw new RangeError(`invalid rate: ${refsPerSecond}`);
  const n = frame.at.length;
  const { start, gap } = placeFrame(frame.reset ? 0 : buf.count, frame);
  const end = start + gap + n;
  buf.at = grow(buf.at, end);
  for (let j = 0; j < buf.width; j++) buf.columns[j] = grow(buf.columns[j], end);
  const step = frame.step;
  for (let g = 0; g < gap; g++) {
    // Time of a missing point, from the frame's own step; its values are unknown.
    buf.at[start + g] = n > 0 ? frame.at[0] / refsPerSecond - (gap - g) * step : NaN;
    for (let j = 0; j < buf.width; j++) buf.columns[j][start + g] = NaN;
  }
  const o = start + gap;
  const w = buf.width;
  for (let i = 0; i < n; i++) {
    buf.at[o + i] = frame.at[i] / refsPerSecond;
    for (let j = 0; j < w; j++) buf.columns[j][o + i] = frame.values[i * w + j];
  }
  buf.count = end;
  buf.step = step;
  buf.version++;
}

/** Series `j` as views over the held points (valid until the next apply). */
export function seriesColumn(
  buf: SeriesBuffer,
  j: number,
): { at: Float64Array; values: Float64Array } {
  if (j < 0 || j >= buf.width) throw new RangeError(`no series ${j} (width ${buf.width})`);
  return { at: buf.at.subarray(0, buf.count), values: buf.columns[j].subarray(0, buf.count) };
}

/** Index of a series by its kernel name in `welcome.series`, or −1. */
export function seriesIndex(series: readonly { name: string }[], name: string): number {
  return series.findIndex((s) => s.name === name);
}

/** A run's MAP_HISTORY points: shares of 255, points × classes × buckets, row-major. */
export interface HistoryBuffer {
  readonly buckets: number;
  readonly classes: number;
  count: number;
  at: Float64Array;
  shares: Uint8Array;
  version: number;
}

export function createHistoryBuffer(buckets: number, classes: number): HistoryBuffer {
  if (!(buckets > 0) || !(classes > 0))
    throw new RangeError(`invalid history shape: ${buckets} buckets × ${classes} classes`);
  return {
    buckets,
    classes,
    count: 0,
    at: new Float64Array(INITIAL_CAPACITY),
    shares: new Uint8Array(INITIAL_CAPACITY * buckets * classes),
    version: 0,
  };
}

/**
 * Add one MAP_HISTORY frame. Missing points (a gap) hold share 0 and NaN time; the heatmap draws
 * them empty.
 */
export function applyHistoryFrame(
  buf: HistoryBuffer,
  frame: Pick<MapHistoryFrame, 'reset' | 'first' | 'buckets' | 'classes' | 'at' | 'shares'>,
  refsPerSecond: number,
): void {
  if (frame.buckets !== buf.buckets || frame.classes !== buf.classes)
    throw new RangeError(
      `history frame of ${frame.buckets} buckets × ${frame.classes} classes, buffer holds ${buf.buckets} × ${buf.classes}`,
    );
  if (!(refsPerSecond > 0)) throw new RangeError(`invalid rate: ${refsPerSecond}`);
  const per = buf.buckets * buf.classes;
  const n = frame.at.length;
  if (frame.shares.length !== n * per)
    throw new RangeError(
      `history frame: ${n} points need ${n * per} shares, got ${frame.shares.length}`,
    );
  const { start, gap } = placeFrame(frame.reset ? 0 : buf.count, frame);
  const end = start + gap + n;
  buf.at = grow(buf.at, end);
  if (buf.shares.length < end * per) {
    let cap = buf.shares.length / per;
    while (cap < end) cap *= 2;
    const s = new Uint8Array(cap * per);
    s.set(buf.shares.subarray(0, start * per));
    buf.shares = s;
  }
  buf.at.fill(NaN, start, start + gap);
  buf.shares.fill(0, start * per, (start + gap) * per);
  const o = start + gap;
  for (let i = 0; i < n; i++) buf.at[o + i] = frame.at[i] / refsPerSecond;
  buf.shares.set(frame.shares, o * per);
  buf.count = end;
  buf.version++;
}

/** The held history as views (valid until the next apply). */
export function historyView(buf: HistoryBuffer): { at: Float64Array; shares: Uint8Array } {
  const per = buf.buckets * buf.classes;
  return { at: buf.at.subarray(0, buf.count), shares: buf.shares.subarray(0, buf.count * per) };
}
