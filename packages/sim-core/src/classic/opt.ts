/**
 * OPT (Belady's MIN): on a fault with all frames full, evict the page whose next use lies
 * farthest in the future; among pages never used again, the one in the lowest frame index.
 *
 * Every resident page carries a key, its next use; frames sit in an indexed binary max-heap on
 * that key, so the victim is the root and a hit (which pushes its page's next use later) is one
 * sift. With the linear next-use table the whole run is O(n log k).
 *
 * Two resident pages never share a finite next use (one position references one page), so ties
 * arise only among pages never used again. Those get keys above every position, larger for a
 * lower frame index, which makes the heap's maximum exactly the rule's victim.
 */
import { nextUseTable } from './next-use.ts';
import type { StepRecorder } from './recorder.ts';
import type { ClassicPolicy } from './types.ts';

export const opt: ClassicPolicy = {
  name: 'opt',
  label: 'OPT',
  run(refs: Uint32Array, pageCount: number, frames: number, rec: StepRecorder | null): number {
    const n = refs.length;
    const nextUse = nextUseTable(refs, pageCount);
    const pageFrame = new Int32Array(pageCount).fill(-1);
    const framePage = new Int32Array(frames).fill(-1);
    const heap = new FrameHeap(frames);
    const keyOf = (use: number, frame: number): number => (use < n ? use : n + frames - frame);
    let used = 0;
    let faults = 0;

    for (let i = 0; i < n; i++) {
      const page = refs[i]!;
      const resident = pageFrame[page]!;
      if (resident >= 0) {
        heap.increase(resident, keyOf(nextUse[i]!, resident));
        rec?.record(i, framePage, false, -1);
        continue;
      }
      faults++;
      let victim = -1;
      if (used < frames) {
        const frame = used++;
        framePage[frame] = page;
        pageFrame[page] = frame;
        heap.insert(frame, keyOf(nextUse[i]!, frame));
      } else {
        const frame = heap.top();
        victim = framePage[frame]!;
        pageFrame[victim] = -1;
        framePage[frame] = page;
        pageFrame[page] = frame;
        heap.replaceTop(keyOf(nextUse[i]!, frame));
      }
      rec?.record(i, framePage, true, victim);
    }
    return faults;
  },
};

/** A max-heap of frame indices keyed by next use, with each frame's heap position tracked. */
class FrameHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private readonly key: Float64Array;
  private size = 0;

  constructor(capacity: number) {
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.key = new Float64Array(capacity);
  }

  top(): number {
    return this.heap[0]!;
  }

  insert(frame: number, key: number): void {
    this.key[frame] = key;
    this.heap[this.size] = frame;
    this.pos[frame] = this.size;
    this.siftUp(this.size++);
  }

  /** A hit only ever moves a page's next use later, so its key only grows. */
  increase(frame: number, key: number): void {
    this.key[frame] = key;
    this.siftUp(this.pos[frame]!);
  }

  /** Re-keys the root frame after it received a new page. */
  replaceTop(key: number): void {
    this.key[this.heap[0]!] = key;
    this.siftDown(0);
  }

  private siftUp(at: number): void {
    const { heap, pos, key } = this;
    const frame = heap[at]!;
    const k = key[frame]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const above = heap[parent]!;
      if (key[above]! >= k) break;
      heap[at] = above;
      pos[above] = at;
      at = parent;
    }
    heap[at] = frame;
    pos[frame] = at;
  }

  private siftDown(at: number): void {
    const { heap, pos, key, size } = this;
    const frame = heap[at]!;
    const k = key[frame]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && key[heap[child + 1]!]! > key[heap[child]!]!) child++;
      const below = heap[child]!;
      if (key[below]! <= k) break;
      heap[at] = below;
      pos[below] = at;
      at = child;
    }
    heap[at] = frame;
    pos[frame] = at;
  }
}
