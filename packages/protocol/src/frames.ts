import { FRAME_MAGIC, PROTOCOL_VERSION, ProtocolError } from './version.ts';

/**
 * Binary data frames (server → viewer). Every frame starts with a 24-byte header, little-endian:
 *
 *   0  u16 magic "AL"     2  u8 version     3  u8 type
 *   4  u16 runIndex       6  u16 flags (0)  8  u32 seq (per connection, wraps)
 *  12  u32 reserved (0)  16  f64 refIndex (reference index the data describes)
 *
 * then a type-specific payload starting at byte 24. docs/protocol.md is the reference.
 */
export const FRAME = {
  /** The view byte of every guest page (see sim-core page-view.ts for the bits). */
  KEYFRAME: 1,
  /** Pages whose view byte changed since the frame before, as (index, value) pairs. */
  DELTA: 2,
  /** The whole counter vector of one run, then derived figures (names in the welcome message). */
  COUNTERS: 3,
  /** Event records (kind, gfn, arg, at), column-wise, plus how many were left out. */
  EVENTS: 4,
} as const;
export type FrameType = (typeof FRAME)[keyof typeof FRAME];

export const HEADER_BYTES = 24;

interface FrameBase {
  runIndex: number;
  seq: number;
  refIndex: number;
}
export interface KeyframeFrame extends FrameBase {
  type: typeof FRAME.KEYFRAME;
  pages: Uint8Array;
}
export interface DeltaFrame extends FrameBase {
  type: typeof FRAME.DELTA;
  index: Uint32Array;
  value: Uint8Array;
}
export interface CountersFrame extends FrameBase {
  type: typeof FRAME.COUNTERS;
  values: Float64Array;
}
export interface EventsFrame extends FrameBase {
  type: typeof FRAME.EVENTS;
  kind: Uint8Array;
  gfn: Uint32Array;
  arg: Int32Array;
  at: Float64Array;
  /** Events of this window not in the frame (sampled out or over the per-frame cap). */
  dropped: number;
}
export type Frame = KeyframeFrame | DeltaFrame | CountersFrame | EventsFrame;

/** What a frame is made of, before the header fields the sender fills in per connection. */
export type FrameBody =
  | Omit<KeyframeFrame, 'seq'>
  | Omit<DeltaFrame, 'seq'>
  | Omit<CountersFrame, 'seq'>
  | Omit<EventsFrame, 'seq'>;

const pad8 = (n: number): number => (n + 7) & ~7;

function payloadBytes(f: FrameBody): number {
  switch (f.type) {
    case FRAME.KEYFRAME:
      return 8 + f.pages.length;
    case FRAME.DELTA:
      return 8 + f.index.length * 5;
    case FRAME.COUNTERS:
      return 8 + f.values.length * 8;
    case FRAME.EVENTS:
      return 16 + pad8(f.kind.length) + f.kind.length * 16;
  }
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
    case FRAME.KEYFRAME:
      v.setUint32(o, f.pages.length, true);
      bytes.set(f.pages, o + 8);
      break;
    case FRAME.DELTA: {
      const n = f.index.length;
      if (f.value.length !== n)
        throw new ProtocolError('bad_frame', `delta: ${n} indices but ${f.value.length} values`);
      v.setUint32(o, n, true);
      o += 8;
      for (let i = 0; i < n; i++, o += 4) v.setUint32(o, f.index[i], true);
      bytes.set(f.value, o);
      break;
    }
    case FRAME.COUNTERS:
      v.setUint32(o, f.values.length, true);
      o += 8;
      for (let i = 0; i < f.values.length; i++, o += 8) v.setFloat64(o, f.values[i], true);
      break;
    case FRAME.EVENTS: {
      const n = f.kind.length;
      if (f.gfn.length !== n || f.arg.length !== n || f.at.length !== n)
        throw new ProtocolError('bad_frame', 'events: columns of different lengths');
      v.setUint32(o, n, true);
      v.setFloat64(o + 8, f.dropped, true);
      o += 16;
      bytes.set(f.kind, o);
      o += pad8(n);
      for (let i = 0; i < n; i++, o += 8) v.setFloat64(o, f.at[i], true);
      for (let i = 0; i < n; i++, o += 4) v.setUint32(o, f.gfn[i], true);
      for (let i = 0; i < n; i++, o += 4) v.setInt32(o, f.arg[i], true);
      break;
    }
  }
  return bytes;
}

/** Write the per-connection sequence number into an encoded frame (in place). */
export function stampSeq(frame: Uint8Array, seq: number): void {
  new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setUint32(8, seq >>> 0, true);
}

function need(bytes: Uint8Array, n: number, what: string): void {
  if (bytes.byteLength < n)
    throw new ProtocolError(
      'bad_frame',
      `${what}: frame of ${bytes.byteLength} bytes is shorter than ${n}`,
    );
}

/** Decode a frame; throws ProtocolError on a wrong magic, version, type or length. */
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
  need(bytes, o + 8, 'payload');
  const n = v.getUint32(o, true);
  switch (type) {
    case FRAME.KEYFRAME:
      need(bytes, o + 8 + n, 'keyframe');
      return { type, ...base, pages: bytes.slice(o + 8, o + 8 + n) };
    case FRAME.DELTA: {
      need(bytes, o + 8 + n * 5, 'delta');
      o += 8;
      const index = new Uint32Array(n);
      for (let i = 0; i < n; i++, o += 4) index[i] = v.getUint32(o, true);
      return { type, ...base, index, value: bytes.slice(o, o + n) };
    }
    case FRAME.COUNTERS: {
      need(bytes, o + 8 + n * 8, 'counters');
      o += 8;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++, o += 8) values[i] = v.getFloat64(o, true);
      return { type, ...base, values };
    }
    case FRAME.EVENTS: {
      need(bytes, o + 16 + pad8(n) + n * 16, 'events');
      const dropped = v.getFloat64(o + 8, true);
      o += 16;
      const kind = bytes.slice(o, o + n);
      o += pad8(n);
      const at = new Float64Array(n);
      for (let i = 0; i < n; i++, o += 8) at[i] = v.getFloat64(o, true);
      const gfn = new Uint32Array(n);
      for (let i = 0; i < n; i++, o += 4) gfn[i] = v.getUint32(o, true);
      const arg = new Int32Array(n);
      for (let i = 0; i < n; i++, o += 4) arg[i] = v.getInt32(o, true);
      return { type, ...base, kind, gfn, arg, at, dropped };
    }
    default:
      throw new ProtocolError('bad_frame', `unknown frame type ${type}`);
  }
}
