/**
 * LRU: evict the page referenced longest ago. Frames are threaded on a doubly linked list kept
 * in two Int32Arrays (most recent at the head), so each reference costs O(1): a hit unlinks its
 * frame and relinks it at the head, a fault reuses the tail frame.
 */
import type { StepRecorder } from './recorder.ts';
import type { ClassicPolicy } from './types.ts';

export const lru: ClassicPolicy = {
  name: 'lru',
  label: 'LRU',
  run(refs: Uint32Array, pageCount: number, frames: number, rec: StepRecorder | null): number {
    const pageFrame = new Int32Array(pageCount).fill(-1);
    const framePage = new Int32Array(frames).fill(-1);
    const prev = new Int32Array(frames).fill(-1);
    const next = new Int32Array(frames).fill(-1);
    let head = -1;
    let tail = -1;
    let used = 0;
    let faults = 0;

    const unlink = (f: number): void => {
      const p = prev[f]!;
      const n = next[f]!;
      if (p >= 0) next[p] = n;
      else head = n;
      if (n >= 0) prev[n] = p;
      else tail = p;
    };
    const pushHead = (f: number): void => {
      prev[f] = -1;
      next[f] = head;
      if (head >= 0) prev[head] = f;
      head = f;
      if (tail < 0) tail = f;
    };

    for (let i = 0; i < refs.length; i++) {
      const page = refs[i]!;
      const resident = pageFrame[page]!;
      if (resident >= 0) {
        if (resident !== head) {
          unlink(resident);
          pushHead(resident);
        }
        rec?.record(i, framePage, false, -1);
        continue;
      }
      faults++;
      let frame: number;
      let victim = -1;
      if (used < frames) {
        frame = used++;
      } else {
        frame = tail;
        victim = framePage[frame]!;
        pageFrame[victim] = -1;
        unlink(frame);
      }
      framePage[frame] = page;
      pageFrame[page] = frame;
      pushHead(frame);
      rec?.record(i, framePage, true, victim);
    }
    return faults;
  },
};
