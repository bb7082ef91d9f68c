/**
 * CLOCK (second chance): frames sit in a circle under one hand. A page's use bit is set when it
 * is loaded and whenever it is referenced. On a fault the hand clears set use bits until it
 * reaches a clear one, replaces that frame and moves one past it. Empty frames have a clear
 * use bit, so the initial fill is the same rule (and fills frames 0, 1, 2, … in order).
 */
import type { StepRecorder } from './recorder.ts';
import type { ClassicPolicy } from './types.ts';

export const clock: ClassicPolicy = {
  name: 'clock',
  label: 'CLOCK',
  run(refs: Uint32Array, pageCount: number, frames: number, rec: StepRecorder | null): number {
    const pageFrame = new Int32Array(pageCount).fill(-1);
    const framePage = new Int32Array(frames).fill(-1);
    const use = new Uint8Array(frames);
    let hand = 0;
    let faults = 0;
    for (let i = 0; i < refs.length; i++) {
      const page = refs[i]!;
      const resident = pageFrame[page]!;
      if (resident >= 0) {
        use[resident] = 1;
        rec?.record(i, framePage, false, -1);
        continue;
      }
      faults++;
      // Terminates within one revolution: each step clears a bit, and a cleared bit stops it.
      while (use[hand] === 1) {
        use[hand] = 0;
        hand = hand + 1 === frames ? 0 : hand + 1;
      }
      const victim = framePage[hand]!;
      if (victim >= 0) pageFrame[victim] = -1;
      framePage[hand] = page;
      pageFrame[page] = hand;
      use[hand] = 1;
      hand = hand + 1 === frames ? 0 : hand + 1;
      rec?.record(i, framePage, true, victim);
    }
    return faults;
  },
};
