import { defineCounters } from './counters.ts';

/**
 * KVM's counters. `pf_fixed`, `exits`, `remote_tlb_flush` and `largepages` are the debugfs names of
 * v2.6.33 (arch/x86/kvm/x86.c debugfs_entries); the `sim_` ones exist only here, because the
 * kernel never counted rmap traffic or aging answers.
 */
export const KVM_COUNTERS = defineCounters([
  'pf_fixed',
  'exits',
  'remote_tlb_flush',
  'largepages',
  'sim_rmap_add',
  'sim_rmap_remove',
  'sim_rmap_desc_alloc',
  'sim_rmap_desc_free',
  'sim_kvm_age_young',
  'sim_kvm_age_old',
  'sim_ept_unmap_aging',
  'sim_ept_unmap_invalidate',
  'sim_ept_fault_gup_fast',
  'sim_ept_fault_host_minor',
  'sim_ept_fault_host_major',
  'sim_mmu_notifier_retry',
  'sim_kvm_test_age_young',
  // every kvm_flush_remote_tlbs() call, and the vCPUs its IPIs went to (remote_tlb_flush counts
  // only the calls that sent one, as the kernel does)
  'sim_tlb_flush_calls',
  'sim_tlb_flush_ipi_vcpus',
  // live 2M sptes (a gauge); the kernel's `largepages` only ever grows under invalidation and aging
  'sim_large_sptes',
] as const);

export type KvmCounterName = (typeof KVM_COUNTERS.names)[number];

// Indices for the hot paths, so that an increment is one typed-array store.
const k = KVM_COUNTERS.index;
export const PF_FIXED = k.pf_fixed;
export const EXITS = k.exits;
export const REMOTE_TLB_FLUSH = k.remote_tlb_flush;
export const LARGEPAGES = k.largepages;
export const RMAP_ADD = k.sim_rmap_add;
export const RMAP_REMOVE = k.sim_rmap_remove;
export const RMAP_DESC_ALLOC = k.sim_rmap_desc_alloc;
export const RMAP_DESC_FREE = k.sim_rmap_desc_free;
export const AGE_YOUNG = k.sim_kvm_age_young;
export const AGE_OLD = k.sim_kvm_age_old;
export const UNMAP_AGING = k.sim_ept_unmap_aging;
export const UNMAP_INVALIDATE = k.sim_ept_unmap_invalidate;
export const FAULT_GUP_FAST = k.sim_ept_fault_gup_fast;
export const FAULT_HOST_MINOR = k.sim_ept_fault_host_minor;
export const FAULT_HOST_MAJOR = k.sim_ept_fault_host_major;
export const NOTIFIER_RETRY = k.sim_mmu_notifier_retry;
export const TEST_AGE_YOUNG = k.sim_kvm_test_age_young;
export const TLB_FLUSH_CALLS = k.sim_tlb_flush_calls;
export const TLB_FLUSH_IPI_VCPUS = k.sim_tlb_flush_ipi_vcpus;
export const LARGE_SPTES = k.sim_large_sptes;
