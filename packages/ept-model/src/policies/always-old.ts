import type { AgingPolicy } from '../policy.ts';

/**
 * Intel EPT before "emulate accessed bit for EPT": kvm_age_rmapp(), arch/x86/kvm/mmu.c v2.6.33,
 * returns 0 when shadow_accessed_mask is 0 ("always return old for EPT"), with no side effect.
 */
export const alwaysOld: AgingPolicy = {
  name: 'always-old',
  title: 'EPT without accessed bits, before the patch: every guest page looks old',
  era: 'Linux ≤ 2.6.33, Intel EPT',
  hostKernel: '2.6.33',
  shadowAccessedMask: false,
  kvmAgeRmapp: () => 0,
  kvmTestAgeRmapp: () => 0,
};
