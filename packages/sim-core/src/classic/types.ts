/**
 * Shared shapes of the classic replacement policies: each policy replays a reference string of
 * page numbers against a fixed number of frames with demand paging (a page is loaded only when
 * referenced) and reports its faults.
 */
import type { StepRecorder } from './recorder.ts';

export type ClassicPolicyName = 'fifo' | 'lru' | 'opt' | 'clock' | 'linux' | 'linux-always-old';

export interface ClassicPolicy {
  readonly name: ClassicPolicyName;
  /** Human label for tables and legends. */
  readonly label: string;
  /**
   * Replays `refs` (page ids, every one below `pageCount`, so a page→frame map can be an
   * Int32Array) against `frames` frames and returns the number of faults. Frames fill in index
   * order 0, 1, 2, … while any is empty. When `rec` is given, the policy reports the frame
   * contents after every reference.
   */
  run(refs: Uint32Array, pageCount: number, frames: number, rec: StepRecorder | null): number;
}

/** The step-by-step table behind the textbook picture: one column per reference. */
export interface ClassicSteps {
  /** Number of references recorded (columns). */
  readonly references: number;
  /** Number of frames (rows). */
  readonly frameCount: number;
  /** Page in frame f after reference i at `frames[i * frameCount + f]`; -1 while empty. */
  readonly frames: Float64Array;
  /** 1 where reference i faulted. */
  readonly faultAt: Uint8Array;
  /** Page evicted by reference i, or -1 (hit, or a fault that filled an empty frame). */
  readonly evicted: Float64Array;
}

export interface ClassicResult {
  readonly policy: ClassicPolicyName;
  readonly frames: number;
  readonly references: number;
  readonly faults: number;
  readonly hits: number;
  readonly distinctPages: number;
  /** Present when the run was asked to record. */
  readonly steps?: ClassicSteps;
}

export interface ClassicRunOptions {
  /** Record the frame contents after every reference (bounded, see MAX_RECORDED_REFERENCES). */
  readonly record?: boolean;
}
