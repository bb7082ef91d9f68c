/**
 * Timing helpers. Shared machines are noisy, so every timing is the median of several
 * repetitions, and a subject and its baseline are run interleaved (A B A B ...) so that a burst
 * of noise lands on both rather than on one.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds one call of `fn` takes. */
export function timeOnce(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * Runs each named function `warmup` times untimed (so the JIT has optimised it), then `reps`
 * rounds of all of them in turn, and returns the median milliseconds of each.
 */
export function interleaved<K extends string>(
  fns: Record<K, () => void>,
  reps: number,
  warmup = 1,
): Record<K, number> {
  const names = Object.keys(fns) as K[];
  for (let w = 0; w < warmup; w++) for (const k of names) fns[k]();
  const times = {} as Record<K, number[]>;
  for (const k of names) times[k] = [];
  for (let r = 0; r < reps; r++) for (const k of names) times[k].push(timeOnce(fns[k]));
  const out = {} as Record<K, number>;
  for (const k of names) out[k] = median(times[k]);
  return out;
}

let gcFn: (() => void) | undefined;

/**
 * A full garbage collection, so that a heap delta measures what is live and not what is merely
 * unreclaimed. Uses global.gc when node runs with --expose-gc; otherwise turns the flag on at run
 * time and takes gc from a fresh context (the flag only affects contexts created after it).
 */
export function collectGarbage(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) gcFn = g;
    else {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    }
  }
  gcFn();
  gcFn();
}

/** Bytes on the JS heap plus typed-array backing stores (which live outside the heap). */
export function heapAndBuffers(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export const round = (x: number, digits = 3): number => {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = Math.pow(10, Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x)))));
  return Math.round(x * p) / p;
};
