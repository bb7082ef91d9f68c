/**
 * Compact recording of a classic run: one typed-array row of frame contents per reference, so a
 * recorded run of 10,000 references over 64 frames costs 5 MiB rather than 640,000 objects.
 * Rows are Float64Array, not Int32Array, because imported page numbers go up to 2^53 − 1 and
 * must stay distinguishable from the -1 that marks an empty frame.
 */
import type { ClassicSteps } from './types.ts';

/** Recording is for drawing tables; longer strings are counted, not drawn. */
export const MAX_RECORDED_REFERENCES = 10_000;
/** Bounds references × frames so a recorded run never exceeds 16 MiB of frame contents. */
export const MAX_RECORDED_CELLS = 2_000_000;

export class StepRecorder {
  readonly frames: Float64Array;
  readonly faultAt: Uint8Array;
  readonly evicted: Float64Array;

  constructor(
    readonly references: number,
    readonly frameCount: number,
  ) {
    if (references > MAX_RECORDED_REFERENCES) {
      throw new RangeError(
        `cannot record ${references} references step by step: recording is limited to ` +
          `${MAX_RECORDED_REFERENCES} references; run without record to count faults only`,
      );
    }
    if (references * frameCount > MAX_RECORDED_CELLS) {
      throw new RangeError(
        `cannot record ${references} references over ${frameCount} frames: recording is limited to ` +
          `${MAX_RECORDED_CELLS} cells (references × frames)`,
      );
    }
    this.frames = new Float64Array(references * frameCount);
    this.faultAt = new Uint8Array(references);
    this.evicted = new Float64Array(references).fill(-1);
  }

  /** Called by a policy after reference `step` with its frame→page table (-1 = empty). */
  record(step: number, framePage: Int32Array, fault: boolean, evictedPage: number): void {
    this.frames.set(framePage, step * this.frameCount);
    if (fault) this.faultAt[step] = 1;
    this.evicted[step] = evictedPage;
  }

  /** Rewrites recorded page ids through `original` (dense id → original page number). */
  undensify(original: ArrayLike<number>): void {
    for (let i = 0; i < this.frames.length; i++) {
      const id = this.frames[i]!;
      if (id >= 0) this.frames[i] = original[id]!;
    }
    for (let i = 0; i < this.evicted.length; i++) {
      const id = this.evicted[i]!;
      if (id >= 0) this.evicted[i] = original[id]!;
    }
  }

  steps(): ClassicSteps {
    return {
      references: this.references,
      frameCount: this.frameCount,
      frames: this.frames,
      faultAt: this.faultAt,
      evicted: this.evicted,
    };
  }
}

/** The pages in each frame after reference `step` (for tests and text tables). */
export function framesAfter(steps: ClassicSteps, step: number): number[] {
  const start = step * steps.frameCount;
  return Array.from(steps.frames.subarray(start, start + steps.frameCount));
}
