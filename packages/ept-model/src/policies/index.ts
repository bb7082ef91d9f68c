import type { AgingPolicy } from '../policy.ts';
import { alwaysOld } from './always-old.ts';
import { eptAdBits } from './ept-ad-bits.ts';
import { unmapEmulation } from './unmap-emulation.ts';

/** Every aging policy, by name. Adding a policy is one module and one line here. */
export const POLICIES: Readonly<Record<string, AgingPolicy>> = {
  [alwaysOld.name]: alwaysOld,
  [unmapEmulation.name]: unmapEmulation,
  [eptAdBits.name]: eptAdBits,
};

export const POLICY_NAMES: readonly string[] = Object.keys(POLICIES);

export function getPolicy(name: string): AgingPolicy {
  const p = POLICIES[name];
  if (!p) throw new Error(`unknown policy "${name}"; valid policies: ${POLICY_NAMES.join(', ')}`);
  return p;
}

export { alwaysOld, eptAdBits, unmapEmulation };
