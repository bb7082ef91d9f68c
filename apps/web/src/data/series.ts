import type { MapHistoryFrame, SeriesFrame } from '@agelab/protocol';

/**
 * A run's time series, held in growable typed arrays: `at[i]` the reference index of point i,
 * `values[i * width + j]` series j at point i. Appends write in place (capacity doubles), a
 * reset rewinds; `version` changes on every change so a chart redraws only then.
 */
export interface SeriesBuffer {
  width: number;
  /** Points held. */
  count: number;
  /** Index of point 0 in the run's series (the frame's `first` of the last reset). */
  first: number;
  /** Simulated seconds between points. */
  step: number;
  at: Float64Array;
  values: Float64Array;
  version: number;
}

export function emptySeries(width: number): SeriesBuffer {
  return {
    width,
    count: 0,
    first: 0,
    step: 0,
    at: new Float64Array(256),
    values: new Float64Array(256 * width),
    version: 0,
  };
}

function grow(b: SeriesBuffer, need: number): void {
  if (need <= b.at.length) return;
  let cap = b.at.length;
  while (cap < need) cap *= 2;
  const at = new Float64Array(cap);
  at.set(b.at.subarray(0, b.count));
  const values = new Float64Array(cap * b.width);
  values.set(b.values.subarray(0, b.count * b.width));
  b.at = at;
  b.values = values;
}

/** Append or reset from a SERIES frame (in place). */
export function applySeries(b: SeriesBuffer, f: SeriesFrame): void {
  if (f.width !== b.width) {
    b.width = f.width;
    b.values = new Float64Array(b.at.length * f.width);
    b.count = 0;
  }
  if (f.reset) {
    b.count = 0;
    b.first = f.first;
  }
  b.step = f.step;
  // a point already held is replaced; a gap (should not happen) is closed by starting there
  let pos = f.first - b.first;
  if (pos < 0 || pos > b.count) {
    b.first = f.first;
    b.count = 0;
    pos = 0;
  }
  const n = f.at.length;
  grow(b, pos + n);
  b.at.set(f.at, pos);
  b.values.set(f.values, pos * b.width);
  b.count = pos + n;
  b.version++;
}

/** Series `j` as a fresh array view over the points held (no copy). */
export const column = (b: SeriesBuffer, j: number, out: Float64Array): Float64Array => {
  for (let i = 0; i < b.count; i++) out[i] = b.values[i * b.width + j];
  return out.subarray(0, b.count);
};

/** The address × time history of one run: `shares[(point * classes + c) * buckets + k]`. */
export interface HistoryBuffer {
  buckets: number;
  classes: number;
  count: number;
  first: number;
  at: Float64Array;
  shares: Uint8Array;
  version: number;
}

export function emptyHistory(buckets: number, classes: number): HistoryBuffer {
  return {
    buckets,
    classes,
    count: 0,
    first: 0,
    at: new Float64Array(64),
    shares: new Uint8Array(64 * buckets * classes),
    version: 0,
  };
}

export function applyHistory(b: HistoryBuffer, f: MapHistoryFrame): void {
  const per = f.buckets * f.classes;
  if (f.buckets !== b.buckets || f.classes !== b.classes) {
    b.buckets = f.buckets;
    b.classes = f.classes;
    b.shares = new Uint8Array(b.at.length * per);
    b.count = 0;
  }
  if (f.reset) {
    b.count = 0;
    b.first = f.first;
  }
  let pos = f.first - b.first;
  if (pos < 0 || pos > b.count) {
    b.first = f.first;
    b.count = 0;
    pos = 0;
  }
  const n = f.at.length;
  const need = pos + n;
  if (need > b.at.length) {
    let cap = b.at.length;
    while (cap < need) cap *= 2;
    const at = new Float64Array(cap);
    at.set(b.at.subarray(0, b.count));
    const shares = new Uint8Array(cap * per);
    shares.set(b.shares.subarray(0, b.count * per));
    b.at = at;
    b.shares = shares;
  }
  b.at.set(f.at, pos);
  b.shares.set(f.shares, pos * per);
  b.count = need;
  b.version++;
}
