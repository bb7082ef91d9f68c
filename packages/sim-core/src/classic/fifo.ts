/**
 * FIFO: evict the page loaded longest ago. Frames fill in index order and every later fault
 * replaces the next frame round the circle, so the oldest load is always at `next`.
 */
import type { StepRecorder } from './recorder.ts';
import type { ClassicPolicy } from './types.ts';

export const fifo: ClassicPolicy = {
  name: 'fifo',
  label: 'FIFO',
  run(refs: Uint32Array, pageCount: number, frames: number, rec: StepRecorder | null): number {
    const pageFrame = new Int32Array(pageCount).fill(-1);
    const framePage = new Int32Array(frames).fill(-1);
    let next = 0;
    let faults = 0;
    for (let i = 0; i < refs.length; i++) {
      const page = refs[i]!;
      if (pageFrame[page]! >= 0) {
        rec?.record(i, framePage, false, -1);
        continue;
      }
      faults++;
      const victim = framePage[next]!;
      if (victim >= 0) pageFrame[victim] = -1;
      framePage[next] = page;
      pageFrame[page] = next;
      next = next + 1 === frames ? 0 : next + 1;
      rec?.record(i, framePage, true, victim);
    }
    return faults;
  },
};
