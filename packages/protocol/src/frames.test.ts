import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FRAME,
  HEADER_BYTES,
  decodeFrame,
  encodeFrame,
  stampSeq,
  type Frame,
  type FrameBody,
} from './frames.ts';
import { FRAME_MAGIC, PROTOCOL_VERSION, ProtocolError } from './version.ts';

const base = fc.record({
  runIndex: fc.integer({ min: 0, max: 0xffff }),
  refIndex: fc.integer({ min: 0, max: 2 ** 52 }),
});
const u32 = fc.integer({ min: 0, max: 0xffffffff });

const bodies: fc.Arbitrary<FrameBody> = fc.oneof(
  fc
    .tuple(base, fc.uint8Array({ maxLength: 3000 }))
    .map(([b, pages]) => ({ type: FRAME.KEYFRAME, ...b, pages })),
  fc
    .tuple(base, fc.array(fc.tuple(u32, fc.integer({ min: 0, max: 255 })), { maxLength: 500 }))
    .map(([b, pairs]) => ({
      type: FRAME.DELTA,
      ...b,
      index: Uint32Array.from(pairs.map((p) => p[0])),
      value: Uint8Array.from(pairs.map((p) => p[1])),
    })),
  fc
    .tuple(base, fc.array(fc.double(), { maxLength: 80 }))
    .map(([b, v]) => ({ type: FRAME.COUNTERS, ...b, values: Float64Array.from(v) })),
  fc
    .tuple(
      base,
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 255 }),
          u32,
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          fc.double({ noNaN: true }),
        ),
        {
          maxLength: 300,
        },
      ),
      fc.nat(),
    )
    .map(([b, ev, dropped]) => ({
      type: FRAME.EVENTS,
      ...b,
      kind: Uint8Array.from(ev.map((e) => e[0])),
      gfn: Uint32Array.from(ev.map((e) => e[1])),
      arg: Int32Array.from(ev.map((e) => e[2])),
      at: Float64Array.from(ev.map((e) => e[3])),
      dropped,
    })),
);

describe('binary frames', () => {
  it('decode(encode(frame)) gives the frame back, for every frame type', () => {
    fc.assert(
      fc.property(bodies, u32, (body, seq) => {
        const bytes = encodeFrame(body);
        stampSeq(bytes, seq);
        const back: Frame = decodeFrame(bytes);
        expect(back).toEqual({ ...body, seq });
      }),
    );
  });

  it('decodes a frame that sits at an odd offset inside a larger buffer (as Node hands them over)', () => {
    const f = encodeFrame({
      type: FRAME.COUNTERS,
      runIndex: 2,
      refIndex: 7,
      values: Float64Array.of(1.5, -2, 1e300),
    });
    const pool = new Uint8Array(f.length + 3);
    pool.set(f, 3);
    expect(decodeFrame(pool.subarray(3))).toMatchObject({
      type: FRAME.COUNTERS,
      runIndex: 2,
      refIndex: 7,
      values: Float64Array.of(1.5, -2, 1e300),
    });
  });

  it('writes the documented header', () => {
    const f = encodeFrame({
      type: FRAME.KEYFRAME,
      runIndex: 1,
      refIndex: 42,
      pages: Uint8Array.of(1, 2, 3),
    });
    const v = new DataView(f.buffer);
    expect(v.getUint16(0, true)).toBe(FRAME_MAGIC);
    expect(String.fromCharCode(f[0], f[1])).toBe('AL');
    expect(v.getUint8(2)).toBe(PROTOCOL_VERSION);
    expect(v.getUint8(3)).toBe(FRAME.KEYFRAME);
    expect(v.getFloat64(16, true)).toBe(42);
    expect(f.length).toBe(HEADER_BYTES + 8 + 3);
  });

  it('refuses a wrong magic, a wrong version, an unknown type and a truncated frame', () => {
    const ok = encodeFrame({
      type: FRAME.KEYFRAME,
      runIndex: 0,
      refIndex: 0,
      pages: new Uint8Array(10),
    });
    const mutate = (at: number, byte: number) => {
      const c = ok.slice();
      c[at] = byte;
      return c;
    };
    expect(() => decodeFrame(mutate(0, 0))).toThrow(/not an AgeLab frame/);
    expect(() => decodeFrame(mutate(2, PROTOCOL_VERSION + 1))).toThrow(/version/);
    expect(() => decodeFrame(mutate(3, 99))).toThrow(/unknown frame type 99/);
    expect(() => decodeFrame(ok.subarray(0, ok.length - 1))).toThrow(ProtocolError);
    expect(() => decodeFrame(new Uint8Array(5))).toThrow(/header/);
  });
});
