export type {
  ClassicPolicy,
  ClassicPolicyName,
  ClassicResult,
  ClassicRunOptions,
  ClassicSteps,
} from './types.ts';
export {
  CLASSIC_POLICIES,
  CLASSIC_POLICY_NAMES,
  MAX_CLASSIC_FRAMES,
  isClassicPolicyName,
  runClassic,
} from './registry.ts';
export { MAX_RECORDED_CELLS, MAX_RECORDED_REFERENCES, framesAfter } from './recorder.ts';
export { nextUseTable } from './next-use.ts';
