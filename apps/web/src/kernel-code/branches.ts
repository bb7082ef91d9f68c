import type { AgeBranch, PageListDecision } from '../events/store.ts';

/**
 * Which excerpt line each run's last aging answer and reclaim decision went through, from its
 * events: `return 0` under always-old, `return kvm_unmap_rmapp(…)` under unmap-emulation, the
 * accessed-bit test under ept-ad-bits (kernel-code/excerpts.ts line ids, as "excerpt:line").
 */
export interface Taken {
  /** "excerpt id:line id". */
  line: string;
  policy: string;
  run: number;
  gfn: number;
  /** Reference index. */
  at: number;
  /** A short label: what the branch answered. */
  label: string;
}

/** The kvm_age_rmapp line a run's last AGE went through. */
export function ageLine(policy: string, b: AgeBranch): { line: string; label: string } {
  if (b.unmapped) return { line: 'age-2.6.34:unmap', label: 'young: spte dropped' };
  if (policy === 'always-old') return { line: 'age-2.6.33:ret0', label: 'old' };
  if (policy === 'unmap-emulation')
    return { line: 'age-2.6.34:unmap', label: b.young ? 'young' : 'old: nothing mapped' };
  if (b.young) return { line: 'age-2.6.34:abit', label: 'young: A bit set, now cleared' };
  if (policy === 'ept-ad-bits') return { line: 'age-2.6.34:abit', label: 'old: A bit clear' };
  return { line: 'age-2.6.33:ret0', label: 'old' };
}

export function takenLines(
  policies: readonly string[],
  branch: readonly (AgeBranch | null)[],
  decision: readonly (PageListDecision | null)[],
): Taken[] {
  const out: Taken[] = [];
  policies.forEach((policy, run) => {
    const b = branch[run];
    if (b) {
      const a = ageLine(policy, b);
      out.push({ ...a, policy, run, gfn: b.gfn, at: b.at });
      out.push({
        line: b.young ? 'pro:referenced' : 'pro:test',
        label: b.young ? 'KVM said young' : 'KVM said old',
        policy,
        run,
        gfn: b.gfn,
        at: b.at,
      });
    }
    const d = decision[run];
    if (d) {
      const line =
        d.what === 'activate'
          ? 'spl:activate'
          : d.what === 'keep_clean'
            ? 'spl:keep-clean'
            : 'spl:pageout';
      const label =
        d.what === 'activate'
          ? 'kept: activated'
          : d.what === 'keep_clean'
            ? 'kept clean'
            : 'swapped out';
      out.push({ line, label, policy, run, gfn: d.gfn, at: d.at });
    }
  });
  return out;
}
