import { DROP_AGING } from '../kvm-mmu.ts';
import type { AgingPolicy } from '../policy.ts';

/**
 * Rik van Riel's "emulate accessed bit for EPT" (2010, in v2.6.34): with no accessed bit,
 * kvm_age_rmapp() returns kvm_unmap_rmapp() — young iff an spte existed, which it drops; the
 * guest's next touch takes an EPT violation that maps the page again. kvm_test_age_rmapp()
 * (v2.6.38) still answers 0 without an accessed bit.
 */
export const unmapEmulation: AgingPolicy = {
  name: 'unmap-emulation',
  title: 'EPT without accessed bits, with the patch: aging unmaps the spte and reports young',
  era: 'Linux 2.6.34+, Intel EPT before Haswell',
  hostKernel: '2.6.34',
  shadowAccessedMask: false,
  kvmAgeRmapp: (mmu, level, index) => mmu.kvmUnmapRmapp(level, index, DROP_AGING),
  kvmTestAgeRmapp: () => 0,
};
