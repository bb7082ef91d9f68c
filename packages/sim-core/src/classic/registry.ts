/**
 * The classic policies by name, and the one entry point that validates input, makes pages
 * dense when they are sparse, and packages the result.
 */
import { countDistinctPages, densifyTrace } from '../trace/densify.ts';
import { clock } from './clock.ts';
import { fifo } from './fifo.ts';
import { linuxAlwaysOld, linuxTwoList } from './linux-two-list.ts';
import { lru } from './lru.ts';
import { opt } from './opt.ts';
import { StepRecorder } from './recorder.ts';
import type {
  ClassicPolicy,
  ClassicPolicyName,
  ClassicResult,
  ClassicRunOptions,
} from './types.ts';

export const CLASSIC_POLICIES: Readonly<Record<ClassicPolicyName, ClassicPolicy>> = {
  fifo,
  lru,
  opt,
  clock,
  linux: linuxTwoList,
  'linux-always-old': linuxAlwaysOld,
};

export const CLASSIC_POLICY_NAMES: readonly ClassicPolicyName[] = [
  'fifo',
  'lru',
  'opt',
  'clock',
  'linux',
  'linux-always-old',
];

/** A sanity bound on frames: per-frame state is a few typed arrays of this length. */
export const MAX_CLASSIC_FRAMES = 1 << 24;

export function isClassicPolicyName(name: string): name is ClassicPolicyName {
  return (CLASSIC_POLICY_NAMES as readonly string[]).includes(name);
}

/** Page maps are typed arrays indexed by page, fine up to this many entries (16 MiB each). */
const DIRECT_PAGE_LIMIT = 1 << 22;

export function runClassic(
  name: ClassicPolicyName,
  refs: Uint32Array,
  frames: number,
  opts: ClassicRunOptions = {},
): ClassicResult {
  if (!isClassicPolicyName(name)) {
    throw new RangeError(
      `unknown policy "${String(name)}": expected one of ${CLASSIC_POLICY_NAMES.join(', ')}`,
    );
  }
  if (!Number.isInteger(frames) || frames < 1 || frames > MAX_CLASSIC_FRAMES) {
    throw new RangeError(
      `frames must be an integer from 1 to ${MAX_CLASSIC_FRAMES}, got ${frames}`,
    );
  }
  const policy = CLASSIC_POLICIES[name];
  const rec = opts.record ? new StepRecorder(refs.length, frames) : null;

  let max = 0;
  for (let i = 0; i < refs.length; i++) if (refs[i]! > max) max = refs[i]!;

  let faults: number;
  let distinctPages: number;
  if (max < DIRECT_PAGE_LIMIT) {
    faults = policy.run(refs, max + 1, frames, rec);
    distinctPages = countDistinctPages(refs);
  } else {
    const dense = densifyTrace(refs);
    faults = policy.run(dense.refs, dense.distinct, frames, rec);
    rec?.undensify(dense.original);
    distinctPages = dense.distinct;
  }
  return {
    policy: name,
    frames,
    references: refs.length,
    faults,
    hits: refs.length - faults,
    distinctPages,
    ...(rec ? { steps: rec.steps() } : {}),
  };
}
