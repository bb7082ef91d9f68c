import { FRAME_MAGIC, PROTOCOL_VERSION, ProtocolError } from './version.ts';

/**
 * Binary data frames (server → viewer), protocol version 2. Every frame starts with a 24-byte
 * header, little-endian:
 *
 *   0  u16 magic "AL"     2  u8 version     3  u8 type
 *   4  u16 runIndex       6  u16 flags (0)  8  u32 seq (per connection, wraps)
 *  12  u32 reserved (0)  16  f64 refIndex (reference index the data describes)
 *
 * then a type-specific payload starting at byte 24. docs/protocol.md is the reference.
 */
export const FRAME = {
  /** Page-map cells of one viewport and lens: all of them, or the cells that changed. */
  CELLS: 1,
  /** The whole counter vector of one run, with the clock and the speed asked and reached. */
  COUNTERS: 2,
  /** Points of the run's time series (rates of kernel counters, gauges), appended or reset. */
  SERIES: 3,
  /** Points of the coarse address × time history (class shares per address bucket). */
  MAP_HISTORY: 4,
  /** Event records of subscribed kinds, with the kernel path of each. */
  EVENTS: 5,
} as const;
export type FrameType = (typeof FRAME)[keyof typeof FRAME];

export const HEADER_BYTES = 24;

/** CELLS flags. */
export const CELLS_DELTA = 1;
/** Every cell covers at most one page: values are one class index per cell (255 = no page). */
export const CELLS_SINGLE = 2;
/** Values are shares of 255 per class (cells of more than 255 pages); otherwise exact counts. */
export const CELLS_SHARES = 4;
/** A SINGLE value for a cell that covers no page. */
export const NO_PAGE = 255;

interface FrameBase {
  runIndex: number;
  seq: number;
  refIndex: number;
}
export interface CellsFrame extends FrameBase {
  type: typeof FRAME.CELLS;
  /** The viewport this answers (the number the server gave it in its `viewport` reply). */
  viewport: number;
  lens: number;
  /** Classes per cell in this lens. */
  classes: number;
  /** CELLS_DELTA | CELLS_SINGLE | CELLS_SHARES */
  flags: number;
  /** Cells in the viewport. */
  cells: number;
  /** Guest frames [from, to) the viewport covers. */
  from: number;
  to: number;
  /** Delta: the cells whose values follow (ascending). Keyframe: empty (every cell, in order). */
  index: Uint32Array;
  /** SINGLE: one class index per listed cell; else `classes` bytes per listed cell. */
  values: Uint8Array;
}
export interface CountersFrame extends FrameBase {
  type: typeof FRAME.COUNTERS;
  playing: boolean;
  /** Simulated seconds at refIndex. */
  time: number;
  /** Simulated seconds per wall second asked for (0 when paused). */
  speedAsked: number;
  /** Simulated seconds per wall second reached over the last wall second. */
  speedReached: number;
  /** The counter vector (`counterNames`), then `derivedNames`. */
  values: Float64Array;
}
export interface SeriesFrame extends FrameBase {
  type: typeof FRAME.SERIES;
  /** True: these points replace every point held so far (a late join, a seek back, a coarsening). */
  reset: boolean;
  /** Index of the first point in the run's series. */
  first: number;
  /** Simulated seconds between points. */
  step: number;
  /** Series per point (`seriesNames` of the welcome). */
  width: number;
  /** Reference index of each point. */
  at: Float64Array;
  /** points × width values, row-major: rates per simulated second, or gauge levels. */
  values: Float64Array;
}
export interface MapHistoryFrame extends FrameBase {
  type: typeof FRAME.MAP_HISTORY;
  reset: boolean;
  first: number;
  /** Address buckets per point (the guest split evenly). */
  buckets: number;
  /** Classes per bucket (HISTORY_CLASSES). */
  classes: number;
  at: Float64Array;
  /** points × classes × buckets shares of 255 (a class with any page never rounds to 0). */
  shares: Uint8Array;
}
export interface EventsFrame extends FrameBase {
  type: typeof FRAME.EVENTS;
  kind: Uint8Array;
  gfn: Uint32Array;
  arg: Int32Array;
  at: Float64Array;
  /** Index into the welcome's `kernelPaths`. */
  path: Uint16Array;
  /** Events of the subscribed kinds in this window that are not in the frame (sampled out). */
  dropped: number;
}
export type Frame = CellsFrame | CountersFrame | SeriesFrame | MapHistoryFrame | EventsFrame;

/** What a frame is made of, before the header field the sender fills in per connection. */
export type FrameBody =
  | Omit<CellsFrame, 'seq'>
  | Omit<CountersFrame, 'seq'>
  | Omit<SeriesFrame, 'seq'>
  | Omit<MapHistoryFrame, 'seq'>
  | Omit<EventsFrame, 'seq'>;

const pad8 = (n: number): number => (n + 7) & ~7;
const CELLS_HEAD = 40;
const COUNTERS_HEAD = 32;
const SERIES_HEAD = 32;
const HISTORY_HEAD = 32;
const EVENTS_HEAD = 16;

function payloadBytes(f: FrameBody): number {
  switch (f.type) {
    case FRAME.CELLS:
      return CELLS_HEAD + gapBytes(f.index) + f.values.length;
    case FRAME.COUNTERS:
      return COUNTERS_HEAD + f.values.length * 8;
    case FRAME.SERIES:
      return SERIES_HEAD + f.at.length * 8 + f.values.length * 8;
    case FRAME.MAP_HISTORY:
      return HISTORY_HEAD + f.at.length * 8 + f.shares.length;
    case FRAME.EVENTS:
      return EVENTS_HEAD + pad8(f.kind.length) + f.kind.length * 18;
  }
}

/**
 * A delta's cell indices, ascending, as LEB128 varints of the gaps between them (the first is
 * the index itself, each next one index − previous − 1): scattered changes over a large
 * viewport cost one or two bytes a cell instead of four.
 */
function gapBytes(index: Uint32Array): number {
  let n = 0;
  for (let i = 0, prev = -1; i < index.length; prev = index[i++]) {
    let gap = index[i] - prev - 1;
    do {
      n++;
      gap = Math.floor(gap / 128);
    } while (gap > 0);
  }
  return n;
}

function writeGaps(bytes: Uint8Array, o: number, index: Uint32Array, cells: number): number {
  for (let i = 0, prev = -1; i < index.length; prev = index[i++]) {
    check(
      index[i] > prev && index[i] < cells,
      `cells: delta index ${index[i]} is not ascending below ${cells}`,
    );
    let gap = index[i] - prev - 1;
    while (gap >= 128) {
      bytes[o++] = (gap % 128) | 128;
      gap = Math.floor(gap / 128);
    }
    bytes[o++] = gap;
  }
  return o;
}

function readGaps(
  bytes: Uint8Array,
  o: number,
  end: number,
  n: number,
  cells: number,
): Uint32Array {
  const out = new Uint32Array(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    let gap = 0;
    let scale = 1;
    for (;;) {
      if (o >= end)
        throw new ProtocolError('bad_frame', `cells: index ${i} of ${n} runs past its block`);
      const b = bytes[o++];
      gap += (b & 127) * scale;
      if (b < 128) break;
      scale *= 128;
      if (scale > 2 ** 35)
        throw new ProtocolError('bad_frame', `cells: index ${i} is too long a varint`);
    }
    const at = prev + 1 + gap;
    if (at >= cells)
      throw new ProtocolError('bad_frame', `cells: index ${at} is past the ${cells} cells`);
    out[i] = prev = at;
  }
  if (o !== end) throw new ProtocolError('bad_frame', 'cells: index block longer than its indices');
  return out;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new ProtocolError('bad_frame', message);
}

/** Encode a frame. `seq` is left 0: the sender stamps it per connection with `stampSeq`. */
export function encodeFrame(f: FrameBody): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(HEADER_BYTES + payloadBytes(f));
  const v = new DataView(bytes.buffer);
  v.setUint16(0, FRAME_MAGIC, true);
  v.setUint8(2, PROTOCOL_VERSION);
  v.setUint8(3, f.type);
  v.setUint16(4, f.runIndex, true);
  v.setFloat64(16, f.refIndex, true);
  let o = HEADER_BYTES;
  switch (f.type) {
    case FRAME.CELLS: {
      const n = f.flags & CELLS_DELTA ? f.index.length : f.cells;
      const per = f.flags & CELLS_SINGLE ? 1 : f.classes;
      check(f.values.length === n * per, `cells: ${n} cells need ${n * per} values`);
      check(
        f.flags & CELLS_DELTA ? true : f.index.length === 0,
        'cells: a keyframe lists no index',
      );
      v.setUint32(o, f.viewport, true);
      v.setUint8(o + 4, f.lens);
      v.setUint8(o + 5, f.classes);
      v.setUint8(o + 6, f.flags);
      v.setUint32(o + 8, f.cells, true);
      v.setUint32(o + 12, n, true);
      v.setFloat64(o + 16, f.from, true);
      v.setFloat64(o + 24, f.to, true);
      v.setUint32(o + 32, gapBytes(f.index), true);
      o = writeGaps(bytes, o + CELLS_HEAD, f.index, f.cells);
      bytes.set(f.values, o);
      break;
    }
    case FRAME.COUNTERS:
      v.setUint32(o, f.values.length, true);
      v.setUint32(o + 4, f.playing ? 1 : 0, true);
      v.setFloat64(o + 8, f.time, true);
      v.setFloat64(o + 16, f.speedAsked, true);
      v.setFloat64(o + 24, f.speedReached, true);
      o += COUNTERS_HEAD;
      for (let i = 0; i < f.values.length; i++, o += 8) v.setFloat64(o, f.values[i], true);
      break;
    case FRAME.SERIES: {
      const n = f.at.length;
      check(f.values.length === n * f.width, `series: ${n} points × ${f.width} series`);
      v.setUint32(o, n, true);
      v.setUint32(o + 4, f.width, true);
      v.setUint32(o + 8, f.reset ? 1 : 0, true);
      v.setFloat64(o + 16, f.first, true);
      v.setFloat64(o + 24, f.step, true);
      o += SERIES_HEAD;
      for (let i = 0; i < n; i++, o += 8) v.setFloat64(o, f.at[i], true);
      for (let i = 0; i < f.values.length; i++, o += 8) v.setFloat64(o, f.values[i], true);
      break;
    }
    case FRAME.MAP_HISTORY: {
      const n = f.at.length;
      check(
        f.shares.length === n * f.classes * f.buckets,
        `map history: ${n} points × ${f.classes} classes × ${f.buckets} buckets`,
      );
      v.setUint32(o, n, true);
      v.setUint32(o + 4, f.buckets, true);
      v.setUint32(o + 8, f.classes, true);
      v.setUint32(o + 12, f.reset ? 1 : 0, true);
      v.setFloat64(o + 16, f.first, true);
      o += HISTORY_HEAD;
      for (let i = 0; i < n; i++, o += 8) v.setFloat64(o, f.at[i], true);
      bytes.set(f.shares, o);
      break;
    }
    case FRAME.EVENTS: {
      const n = f.kind.length;
      check(
        f.gfn.length === n && f.arg.length === n && f.at.length === n && f.path.length === n,
        'events: columns of different lengths',
      );
      v.setUint32(o, n, true);
      v.setFloat64(o + 8, f.dropped, true);
      o += EVENTS_HEAD;
      bytes.set(f.kind, o);
      o += pad8(n);
      for (let i = 0; i < n; i++, o += 8) v.setFloat64(o, f.at[i], true);
      for (let i = 0; i < n; i++, o += 4) v.setUint32(o, f.gfn[i], true);
      for (let i = 0; i < n; i++, o += 4) v.setInt32(o, f.arg[i], true);
      for (let i = 0; i < n; i++, o += 2) v.setUint16(o, f.path[i], true);
      break;
    }
  }
  return bytes;
}

/** Write the per-connection sequence number into an encoded frame (in place). */
export function stampSeq(frame: Uint8Array, seq: number): void {
  new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setUint32(8, seq >>> 0, true);
}

/** The frame type and run index of an encoded frame, without decoding it. */
export function peekFrame(frame: Uint8Array): { type: number; runIndex: number } {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return { type: v.getUint8(3), runIndex: v.getUint16(4, true) };
}

function need(bytes: Uint8Array, n: number, what: string): void {
  if (bytes.byteLength < n)
    throw new ProtocolError(
      'bad_frame',
      `${what}: frame of ${bytes.byteLength} bytes is shorter than ${n}`,
    );
}

/** Decode a frame; throws ProtocolError (and nothing else) on a wrong magic, version, type or length. */
export function decodeFrame(input: ArrayBuffer | Uint8Array): Frame {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  need(bytes, HEADER_BYTES, 'header');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = v.getUint16(0, true);
  if (magic !== FRAME_MAGIC)
    throw new ProtocolError('bad_frame', `not an AgeLab frame (magic 0x${magic.toString(16)})`);
  const version = v.getUint8(2);
  if (version !== PROTOCOL_VERSION)
    throw new ProtocolError(
      'bad_frame',
      `frame version ${version}, this side speaks ${PROTOCOL_VERSION}`,
    );
  const type = v.getUint8(3);
  const base = {
    runIndex: v.getUint16(4, true),
    seq: v.getUint32(8, true),
    refIndex: v.getFloat64(16, true),
  };
  let o = HEADER_BYTES;
  const f64s = (n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++, o += 8) out[i] = v.getFloat64(o, true);
    return out;
  };
  switch (type) {
    case FRAME.CELLS: {
      need(bytes, o + CELLS_HEAD, 'cells');
      const flags = v.getUint8(o + 6);
      const classes = v.getUint8(o + 5);
      const n = v.getUint32(o + 12, true);
      const cells = v.getUint32(o + 8, true);
      const delta = (flags & CELLS_DELTA) !== 0;
      const per = flags & CELLS_SINGLE ? 1 : classes;
      const head = {
        viewport: v.getUint32(o, true),
        lens: v.getUint8(o + 4),
        classes,
        flags,
        cells,
        from: v.getFloat64(o + 16, true),
        to: v.getFloat64(o + 24, true),
      };
      if (!delta && n !== cells)
        throw new ProtocolError('bad_frame', `cells: a keyframe of ${cells} cells lists ${n}`);
      const indexBytes = v.getUint32(o + 32, true);
      if (!delta && indexBytes !== 0)
        throw new ProtocolError('bad_frame', 'cells: a keyframe lists no index');
      need(bytes, o + CELLS_HEAD + indexBytes + n * per, 'cells');
      o += CELLS_HEAD;
      const index = delta ? readGaps(bytes, o, o + indexBytes, n, cells) : new Uint32Array(0);
      o += indexBytes;
      return { type, ...base, ...head, index, values: bytes.slice(o, o + n * per) };
    }
    case FRAME.COUNTERS: {
      need(bytes, o + COUNTERS_HEAD, 'counters');
      const n = v.getUint32(o, true);
      need(bytes, o + COUNTERS_HEAD + n * 8, 'counters');
      const head = {
        playing: v.getUint32(o + 4, true) !== 0,
        time: v.getFloat64(o + 8, true),
        speedAsked: v.getFloat64(o + 16, true),
        speedReached: v.getFloat64(o + 24, true),
      };
      o += COUNTERS_HEAD;
      return { type, ...base, ...head, values: f64s(n) };
    }
    case FRAME.SERIES: {
      need(bytes, o + SERIES_HEAD, 'series');
      const n = v.getUint32(o, true);
      const width = v.getUint32(o + 4, true);
      need(bytes, o + SERIES_HEAD + n * 8 * (1 + width), 'series');
      const head = {
        reset: v.getUint32(o + 8, true) !== 0,
        first: v.getFloat64(o + 16, true),
        step: v.getFloat64(o + 24, true),
        width,
      };
      o += SERIES_HEAD;
      const at = f64s(n);
      return { type, ...base, ...head, at, values: f64s(n * width) };
    }
    case FRAME.MAP_HISTORY: {
      need(bytes, o + HISTORY_HEAD, 'map history');
      const n = v.getUint32(o, true);
      const buckets = v.getUint32(o + 4, true);
      const classes = v.getUint32(o + 8, true);
      const size = n * buckets * classes;
      need(bytes, o + HISTORY_HEAD + n * 8 + size, 'map history');
      const head = {
        reset: v.getUint32(o + 12, true) !== 0,
        first: v.getFloat64(o + 16, true),
        buckets,
        classes,
      };
      o += HISTORY_HEAD;
      const at = f64s(n);
      return { type, ...base, ...head, at, shares: bytes.slice(o, o + size) };
    }
    case FRAME.EVENTS: {
      need(bytes, o + EVENTS_HEAD, 'events');
      const n = v.getUint32(o, true);
      need(bytes, o + EVENTS_HEAD + pad8(n) + n * 18, 'events');
      const dropped = v.getFloat64(o + 8, true);
      o += EVENTS_HEAD;
      const kind = bytes.slice(o, o + n);
      o += pad8(n);
      const at = f64s(n);
      const gfn = new Uint32Array(n);
      for (let i = 0; i < n; i++, o += 4) gfn[i] = v.getUint32(o, true);
      const arg = new Int32Array(n);
      for (let i = 0; i < n; i++, o += 4) arg[i] = v.getInt32(o, true);
      const path = new Uint16Array(n);
      for (let i = 0; i < n; i++, o += 2) path[i] = v.getUint16(o, true);
      return { type, ...base, kind, gfn, arg, at, path, dropped };
    }
    default:
      throw new ProtocolError('bad_frame', `unknown frame type ${type}`);
  }
}
