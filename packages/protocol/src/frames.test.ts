import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CELLS_DELTA,
  CELLS_SHARES,
  CELLS_SINGLE,
  FRAME,
  HEADER_BYTES,
  decodeFrame,
  encodeFrame,
  peekFrame,
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
const byte = fc.integer({ min: 0, max: 255 });

const cells: fc.Arbitrary<FrameBody> = fc
  .tuple(
    base,
    fc.record({
      viewport: u32,
      lens: fc.integer({ min: 0, max: 4 }),
      classes: fc.integer({ min: 1, max: 5 }),
      single: fc.boolean(),
      shares: fc.boolean(),
      delta: fc.boolean(),
      from: fc.integer({ min: 0, max: 2 ** 40 }),
      span: fc.integer({ min: 1, max: 2 ** 30 }),
    }),
    fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 2 ** 32 - 2 }),
        fc.array(byte, { minLength: 5, maxLength: 5 }),
      ),
      { maxLength: 300 },
    ),
  )
  .map(([b, h, raw]) => {
    const per = h.single ? 1 : h.classes;
    // a delta lists distinct cells in ascending order
    const rows = [...new Map(raw.map((r) => [r[0], r])).values()].sort((x, y) => x[0] - y[0]);
    const n = rows.length;
    return {
      type: FRAME.CELLS,
      ...b,
      viewport: h.viewport,
      lens: h.lens,
      classes: h.classes,
      flags:
        (h.delta ? CELLS_DELTA : 0) | (h.single ? CELLS_SINGLE : 0) | (h.shares ? CELLS_SHARES : 0),
      // a keyframe lists every cell; a delta names a few of a larger viewport
      cells: h.delta ? 2 ** 32 - 1 : n,
      from: h.from,
      to: h.from + h.span,
      index: h.delta ? Uint32Array.from(rows.map((r) => r[0])) : new Uint32Array(0),
      values: Uint8Array.from(rows.flatMap((r) => r[1].slice(0, per))),
    };
  });

const counters: fc.Arbitrary<FrameBody> = fc
  .tuple(
    base,
    fc.array(fc.double(), { maxLength: 80 }),
    fc.boolean(),
    fc.double(),
    fc.double(),
    fc.double(),
  )
  .map(([b, v, playing, time, speedAsked, speedReached]) => ({
    type: FRAME.COUNTERS,
    ...b,
    playing,
    time,
    speedAsked,
    speedReached,
    values: Float64Array.from(v),
  }));

const series: fc.Arbitrary<FrameBody> = fc
  .tuple(
    base,
    fc.integer({ min: 1, max: 20 }),
    fc.integer({ min: 0, max: 40 }),
    fc.boolean(),
    fc.nat(),
    fc.double({ noNaN: true }),
  )
  .chain(([b, width, points, reset, first, step]) =>
    fc
      .tuple(
        fc.array(fc.double(), { minLength: points, maxLength: points }),
        fc.array(fc.double(), { minLength: points * width, maxLength: points * width }),
      )
      .map(([at, values]) => ({
        type: FRAME.SERIES,
        ...b,
        reset,
        first,
        step,
        width,
        at: Float64Array.from(at),
        values: Float64Array.from(values),
      })),
  );

const history: fc.Arbitrary<FrameBody> = fc
  .tuple(
    base,
    fc.integer({ min: 1, max: 64 }),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 0, max: 10 }),
    fc.boolean(),
    fc.nat(),
  )
  .chain(([b, buckets, classes, points, reset, first]) =>
    fc
      .tuple(
        fc.array(fc.double(), { minLength: points, maxLength: points }),
        fc.uint8Array({
          minLength: points * buckets * classes,
          maxLength: points * buckets * classes,
        }),
      )
      .map(([at, shares]) => ({
        type: FRAME.MAP_HISTORY,
        ...b,
        reset,
        first,
        buckets,
        classes,
        at: Float64Array.from(at),
        shares,
      })),
  );

const events: fc.Arbitrary<FrameBody> = fc
  .tuple(
    base,
    fc.array(
      fc.tuple(
        byte,
        u32,
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.double({ noNaN: true }),
        fc.integer({ min: 0, max: 0xffff }),
      ),
      { maxLength: 300 },
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
    path: Uint16Array.from(ev.map((e) => e[4])),
    dropped,
  }));

const roundTrip = (body: FrameBody, seq: number) => {
  const bytes = encodeFrame(body);
  stampSeq(bytes, seq);
  const back: Frame = decodeFrame(bytes);
  expect(back).toEqual({ ...body, seq });
  expect(peekFrame(bytes)).toEqual({ type: body.type, runIndex: body.runIndex });
};

describe('binary frames, version 2', () => {
  it('CELLS: decode(encode(frame)) gives it back (keyframes and deltas, counts, shares, single)', () => {
    fc.assert(fc.property(cells, u32, roundTrip));
  });
  it('COUNTERS: round trip, with the clock and both speeds', () => {
    fc.assert(fc.property(counters, u32, roundTrip));
  });
  it('SERIES: round trip', () => {
    fc.assert(fc.property(series, u32, roundTrip));
  });
  it('MAP_HISTORY: round trip', () => {
    fc.assert(fc.property(history, u32, roundTrip));
  });
  it('EVENTS: round trip, with the kernel path of each record', () => {
    fc.assert(fc.property(events, u32, roundTrip));
  });

  it('decodes a frame that sits at an odd offset inside a larger buffer (as Node hands them over)', () => {
    const f = encodeFrame({
      type: FRAME.COUNTERS,
      runIndex: 2,
      refIndex: 7,
      playing: true,
      time: 0.5,
      speedAsked: 10,
      speedReached: 9.5,
      values: Float64Array.of(1.5, -2, 1e300),
    });
    const pool = new Uint8Array(f.length + 3);
    pool.set(f, 3);
    expect(decodeFrame(pool.subarray(3))).toMatchObject({
      type: FRAME.COUNTERS,
      runIndex: 2,
      refIndex: 7,
      speedReached: 9.5,
      values: Float64Array.of(1.5, -2, 1e300),
    });
  });

  it('writes the documented header and a single-class keyframe of one byte a cell', () => {
    const f = encodeFrame({
      type: FRAME.CELLS,
      runIndex: 1,
      refIndex: 42,
      viewport: 3,
      lens: 0,
      classes: 5,
      flags: CELLS_SINGLE,
      cells: 3,
      from: 0,
      to: 3,
      index: new Uint32Array(0),
      values: Uint8Array.of(1, 2, 3),
    });
    const v = new DataView(f.buffer);
    expect(v.getUint16(0, true)).toBe(FRAME_MAGIC);
    expect(String.fromCharCode(f[0], f[1])).toBe('AL');
    expect(v.getUint8(2)).toBe(PROTOCOL_VERSION);
    expect(v.getUint8(3)).toBe(FRAME.CELLS);
    expect(v.getFloat64(16, true)).toBe(42);
    expect(f.length).toBe(HEADER_BYTES + 40 + 3);
  });

  it("lists a delta's cells as varint gaps: one byte a cell for near neighbours", () => {
    const index = Uint32Array.of(3, 4, 130, 100_000);
    const f = encodeFrame({
      type: FRAME.CELLS,
      runIndex: 0,
      refIndex: 0,
      viewport: 1,
      lens: 0,
      classes: 5,
      flags: CELLS_DELTA | CELLS_SINGLE,
      cells: 1 << 20,
      from: 0,
      to: 1 << 20,
      index,
      values: Uint8Array.of(1, 2, 3, 4),
    });
    // gaps 3, 0, 125, 99869: 1 + 1 + 1 + 3 bytes
    expect(f.length).toBe(HEADER_BYTES + 40 + 6 + 4);
    expect(decodeFrame(f)).toMatchObject({ index, values: Uint8Array.of(1, 2, 3, 4) });
    expect(() =>
      encodeFrame({
        type: FRAME.CELLS,
        runIndex: 0,
        refIndex: 0,
        viewport: 1,
        lens: 0,
        classes: 5,
        flags: CELLS_DELTA | CELLS_SINGLE,
        cells: 10,
        from: 0,
        to: 10,
        index: Uint32Array.of(5, 2),
        values: Uint8Array.of(1, 2),
      }),
    ).toThrow(/not ascending/);
  });

  it('refuses to encode cells whose values do not match their count', () => {
    expect(() =>
      encodeFrame({
        type: FRAME.CELLS,
        runIndex: 0,
        refIndex: 0,
        viewport: 0,
        lens: 0,
        classes: 5,
        flags: 0,
        cells: 2,
        from: 0,
        to: 2,
        index: new Uint32Array(0),
        values: new Uint8Array(9),
      }),
    ).toThrow(/2 cells need 10 values/);
  });

  it('refuses a wrong magic, a wrong version, an unknown type and a truncated frame', () => {
    const ok = encodeFrame({
      type: FRAME.EVENTS,
      runIndex: 0,
      refIndex: 0,
      kind: Uint8Array.of(1, 2),
      gfn: Uint32Array.of(1, 2),
      arg: Int32Array.of(0, 0),
      at: Float64Array.of(0, 1),
      path: Uint16Array.of(0, 1),
      dropped: 0,
    });
    const mutate = (at: number, b: number) => {
      const c = ok.slice();
      c[at] = b;
      return c;
    };
    expect(() => decodeFrame(mutate(0, 0))).toThrow(/not an AgeLab frame/);
    expect(() => decodeFrame(mutate(2, PROTOCOL_VERSION + 1))).toThrow(/version/);
    expect(() => decodeFrame(mutate(3, 99))).toThrow(/unknown frame type 99/);
    expect(() => decodeFrame(ok.subarray(0, ok.length - 1))).toThrow(ProtocolError);
    expect(() => decodeFrame(new Uint8Array(5))).toThrow(/header/);
  });

  it('decoding any bytes either gives a frame or throws a ProtocolError, never anything else', () => {
    const valid = fc.oneof(cells, counters, series, history, events).map((b) => encodeFrame(b));
    const mutated = fc
      .tuple(valid, fc.array(fc.tuple(fc.nat(), byte), { maxLength: 8 }), fc.nat())
      .map(([bytes, edits, cut]) => {
        const c = bytes.slice(0, Math.max(0, bytes.length - (cut % 16)));
        for (const [at, b] of edits) if (c.length) c[at % c.length] = b;
        return c;
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 200 })), (bytes) => {
        try {
          decodeFrame(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
