import { IDLE, type ReferenceSource } from './source.ts';

/**
 * Replays a page trace whose distinct pages were numbered densely in order of first appearance:
 * trace page i is guest frame `start + i`. Looped, or once and then idle.
 */
export class TraceReplaySource implements ReferenceSource {
  constructor(
    private readonly refs: Uint32Array,
    readonly start: number,
    readonly loop: boolean,
    private pos = 0,
  ) {
    if (refs.length === 0) throw new Error('trace workload: the trace has no references');
  }

  fill(out: Uint32Array, from: number, to: number): void {
    const refs = this.refs;
    let p = this.pos;
    for (let i = from; i < to; i++) {
      if (p >= refs.length) {
        if (!this.loop) {
          out[i] = IDLE;
          continue;
        }
        p = 0;
      }
      out[i] = this.start + refs[p++];
    }
    this.pos = p;
  }

  clone(): TraceReplaySource {
    return new TraceReplaySource(this.refs, this.start, this.loop, this.pos);
  }
}
