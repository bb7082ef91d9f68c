import type { JobResult, JobSpec } from '@agelab/sim-core';

/** Main thread → sweep thread. */
export interface ThreadRequest {
  id: number;
  job: JobSpec;
}

/** Sweep thread → main thread. */
export type ThreadReply =
  | {
      id: number;
      ok: true;
      result: JobResult;
      /** CPU time the thread spent on the job, ms (null where the OS does not say). */
      cpuMs: number | null;
    }
  | { id: number; ok: false; error: string };
