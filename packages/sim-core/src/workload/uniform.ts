import { Prng } from '../prng.ts';
import type { ReferenceSource } from './source.ts';

/** Every page of [start, start+length) equally likely. */
export class UniformSource implements ReferenceSource {
  constructor(
    readonly start: number,
    readonly length: number,
    private rng: Prng,
  ) {}

  fill(out: Uint32Array, from: number, to: number): void {
    this.rng.fillBelow(out, from, to, this.start, this.length);
  }

  clone(): UniformSource {
    return new UniformSource(this.start, this.length, this.rng.clone());
  }
}
