/**
 * A guest's reference stream: fills `out[from..to)` with guest frame numbers, one per page
 * reference. A source is a pure function of its seed and of how many references it has produced,
 * so every run of a comparison consumes the identical stream, and a clone replays it exactly.
 */
export interface ReferenceSource {
  fill(out: Uint32Array, from: number, to: number): void;
  clone(): ReferenceSource;
  /** Resize the hot set, where the workload has one (a knob). Returns whether anything changed. */
  setHotPages?(pages: number): boolean;
}

/** A slot in the stream where the guest touches nothing (a replayed trace that has ended). */
export const IDLE = 0xffffffff;
