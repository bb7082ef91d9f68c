import type { KvmMmu } from './kvm-mmu.ts';

/** The host kernels whose reclaim is modelled (mm/vmscan.c differs between them: F9 of the review). */
export type HostKernel = '2.6.33' | '2.6.34';
export const HOST_KERNELS: readonly HostKernel[] = ['2.6.33', '2.6.34'];

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
   * The host kernel this policy ran on when it was new (its natural era), used unless a scenario
   * fixes the host kernel: 2.6.33 for the unpatched EPT, 2.6.34 (the release that merged the
   * patch together with page_check_references) otherwise.
   */
  readonly hostKernel: HostKernel;
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
