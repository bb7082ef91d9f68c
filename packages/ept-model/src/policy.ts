import type { KvmMmu } from './kvm-mmu.ts';

/**
 * An aging policy: what KVM answers when the host asks whether a guest page was referenced.
 * Each policy is one module (see ./policies) and one line in the registry.
 */
export interface AgingPolicy {
  readonly name: string;
  /** One line for people: which kernel and hardware this is. */
  readonly title: string;
  readonly era: string;
  /**
   * shadow_accessed_mask != 0 (arch/x86/kvm/mmu.c v2.6.33): sptes have an accessed bit that
   * hardware sets; false on Intel EPT before A/D bits.
   */
  readonly shadowAccessedMask: boolean;
  /** kvm_age_rmapp() for one rmap (level 1 = 4K rmap of gfn `index`, 2 = rmap_pde of frame `index`). */
  kvmAgeRmapp(mmu: KvmMmu, level: number, index: number): number;
  /** kvm_test_age_rmapp() (v2.6.38): a non-destructive test, for khugepaged. */
  kvmTestAgeRmapp(mmu: KvmMmu, level: number, index: number): number;
}
