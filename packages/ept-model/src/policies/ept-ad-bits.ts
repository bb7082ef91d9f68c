import type { AgingPolicy } from '../policy.ts';

/**
 * EPT with hardware accessed/dirty bits (eptad, Linux 3.6+ on Haswell and later): sptes carry an
 * accessed bit, so kvm_age_rmapp() takes its test-and-clear path (arch/x86/kvm/mmu.c v2.6.33,
 * as for AMD NPT and shadow paging) and the spte stays mapped.
 */
export const eptAdBits: AgingPolicy = {
  name: 'ept-ad-bits',
  title: 'EPT with hardware accessed bits: aging tests and clears the bit, the spte stays',
  era: 'Linux 3.6+, Intel Haswell and later (same path as AMD NPT)',
  hostKernel: '2.6.34',
  shadowAccessedMask: true,
  kvmAgeRmapp: (mmu, level, index) => mmu.ageAccessedBits(level, index),
  kvmTestAgeRmapp: (mmu, level, index) => mmu.testAccessedBits(level, index),
};
