import { POLICY_NAMES, type HostKernel } from '@agelab/ept-model';
import * as z from 'zod';
import {
  DEFAULT_SCENARIO_LIMITS,
  checkCost,
  checkStructure,
  type ScenarioLimits,
} from './scenario-limits.ts';

const MiB = (min: number, max: number) => z.number().min(min).max(max);

const region = {
  offsetMiB: MiB(0, 1 << 20).optional(),
  sizeMiB: MiB(0.004, 1 << 20).optional(),
};

export type WorkloadSpec =
  | { type: 'uniform'; offsetMiB?: number; sizeMiB?: number }
  | {
      type: 'hotcold';
      offsetMiB?: number;
      sizeMiB?: number;
      hotMiB: number;
      hotOffsetMiB?: number;
      hotShare: number;
    }
  | { type: 'zipf'; offsetMiB?: number; sizeMiB?: number; exponent: number }
  | { type: 'scan'; offsetMiB?: number; sizeMiB?: number }
  | { type: 'phases'; phases: { seconds: number; workload: WorkloadSpec }[] }
  | { type: 'mix'; parts: { weight: number; workload: WorkloadSpec }[] }
  | { type: 'trace'; trace: string; offsetMiB?: number; loop: boolean };

export const workloadSchema: z.ZodType<WorkloadSpec> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('uniform'), ...region }),
    z.strictObject({
      type: z.literal('hotcold'),
      ...region,
      hotMiB: MiB(0.004, 1 << 20),
      hotOffsetMiB: MiB(0, 1 << 20).optional(),
      hotShare: z.number().min(0).max(1),
    }),
    z.strictObject({ type: z.literal('zipf'), ...region, exponent: z.number().min(0.1).max(5) }),
    z.strictObject({ type: z.literal('scan'), ...region }),
    z.strictObject({
      type: z.literal('phases'),
      phases: z
        .array(
          z.strictObject({ seconds: z.number().min(0.001).max(1e6), workload: workloadSchema }),
        )
        .min(1)
        .max(64),
    }),
    z.strictObject({
      type: z.literal('mix'),
      parts: z
        .array(z.strictObject({ weight: z.number().min(0).max(1e6), workload: workloadSchema }))
        .min(1)
        .max(64),
    }),
    z.strictObject({
      type: z.literal('trace'),
      trace: z.string().min(1).max(4096),
      offsetMiB: MiB(0, 1 << 20).optional(),
      loop: z.boolean().default(true),
    }),
  ]),
);

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(2000).default(''),
  guest: z.strictObject({
    /** 4 MiB (one THP pair) up to 64 GiB (16M pages). */
    memoryMiB: z.number().int().min(4).max(65536),
    aliases: z
      .strictObject({ count: z.number().int().min(0).max(8), sizeMiB: MiB(0, 65536) })
      .default({ count: 0, sizeMiB: 0 }),
    /**
     * vCPUs, each on its own host CPU (default 1). The faulting vCPU runs memcg direct reclaim
     * itself, so its TLB flushes IPI only the other vCPUs (kvm_flush_remote_tlbs).
     */
    vcpus: z.number().int().min(1).max(64).default(1),
  }),
  host: z.strictObject({
    // down to 64 pages, so that a small trace (a textbook program) can be put under pressure
    memcgLimitMiB: z
      .number()
      .min(0.25)
      .max(1 << 20),
    swapMiB: z
      .number()
      .min(0)
      .max(1 << 20),
    swappiness: z.number().int().min(0).max(100).default(60),
    pageCluster: z.number().int().min(0).max(5).default(3),
    swapDevice: z.enum(['hdd', 'ssd', 'nvme']).default('hdd'),
    costProfile: z.enum(['2010', '2025']).default('2010'),
    /**
     * Host RAM available to this guest's memcg and to the swap cache outside it (uncharged
     * readahead pages); default twice the guest's memory. kswapd keeps free RAM above the zone's
     * high watermark.
     */
    ramMiB: z
      .number()
      .min(1)
      .max(1 << 21)
      .optional(),
    /**
     * The host kernel's reclaim: '2.6.33' (page_referenced clears PG_referenced; referenced →
     * activate) or '2.6.34' (page_check_references). 'natural' (default) gives each policy the
     * kernel it first ran on: always-old 2.6.33, unmap-emulation and ept-ad-bits 2.6.34.
     */
    kernel: z.enum(['natural', '2.6.33', '2.6.34']).default('natural'),
  }),
  thp: z
    .strictObject({
      enabled: z.boolean().default(false),
      khugepaged: z
        .strictObject({
          enabled: z.boolean().default(true),
          pagesToScan: z
            .number()
            .int()
            .min(512)
            .max(1 << 24)
            .default(4096),
          scanSleepMs: z.number().int().min(1).max(3_600_000).default(10_000),
          maxPtesNone: z.number().int().min(0).max(511).default(511),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Guest page references per simulated second. */
  rate: z.number().min(1).max(1e9).default(100_000),
  /** The guest touches all of its memory once, in order, before the workload starts (boot). */
  boot: z.boolean().default(true),
  workload: workloadSchema,
  truth: z
    .strictObject({ hotWindowMs: z.number().min(1).max(3_600_000).default(1000) })
    .prefault({}),
  /** How long a run lasts unless told otherwise. */
  seconds: z.number().min(0.001).max(1e6).default(60),
  /** The summary's steady-state window starts here (simulated seconds; default 10, after boot). */
  steadyFromSeconds: z.number().min(0).max(1e6).default(10),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** A scenario that failed validation; `issues` name each field, the value and what is allowed. */
export class ScenarioError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid scenario:\n  ${issues.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join('.') : '(scenario)';
  const got =
    'input' in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : '';
  let allowed = '';
  if (issue.code === 'too_small') allowed = `; allowed minimum ${String(issue.minimum)}`;
  if (issue.code === 'too_big') allowed = `; allowed maximum ${String(issue.maximum)}`;
  return `${where}: ${issue.message}${got}${allowed}`;
}

/** Validate a scenario (parsed JSON), with cross-field checks the schema cannot express. */
export function parseScenario(
  input: unknown,
  limits: ScenarioLimits = DEFAULT_SCENARIO_LIMITS,
): Scenario {
  // bounded structure first: the schema's recursion must never see an unbounded tree
  const structural = checkStructure(input, limits);
  if (structural.length) throw new ScenarioError(structural);
  const r = scenarioSchema.safeParse(input, { reportInput: true });
  if (!r.success) throw new ScenarioError(r.error.issues.map(describeIssue));
  const s = r.data;
  const problems: string[] = [];
  const guest = s.guest.memoryMiB;
  const checkRegion = (w: WorkloadSpec, path: string): void => {
    if ('offsetMiB' in w || 'sizeMiB' in w) {
      const off = ('offsetMiB' in w && w.offsetMiB) || 0;
      const size = ('sizeMiB' in w && w.sizeMiB) || guest - off;
      if (off + size > guest)
        problems.push(
          `${path}: region ${off}+${size} MiB runs past the guest's ${guest} MiB; allowed offset+size ≤ ${guest}`,
        );
    }
    if (w.type === 'hotcold') {
      const off = w.offsetMiB ?? 0;
      const size = w.sizeMiB ?? guest - off;
      const hotOff = w.hotOffsetMiB ?? off;
      if (hotOff < off || hotOff + w.hotMiB > off + size)
        problems.push(
          `${path}.hotMiB: hot set ${hotOff}+${w.hotMiB} MiB lies outside the workload's region ${off}+${size} MiB`,
        );
    }
    if (w.type === 'phases')
      w.phases.forEach((p, i) => checkRegion(p.workload, `${path}.phases.${i}.workload`));
    if (w.type === 'mix')
      w.parts.forEach((p, i) => checkRegion(p.workload, `${path}.parts.${i}.workload`));
  };
  checkRegion(s.workload, 'workload');
  if (s.guest.aliases.sizeMiB > guest)
    problems.push(
      `guest.aliases.sizeMiB: ${s.guest.aliases.sizeMiB} is larger than the guest (${guest} MiB)`,
    );
  problems.push(...checkCost(s.workload, guest, limits));
  if (problems.length) throw new ScenarioError(problems);
  return s;
}

/** Host RAM in MiB: the scenario's, or twice the guest's memory. */
export function hostRamMiB(s: Scenario): number {
  return s.host.ramMiB ?? 2 * s.guest.memoryMiB;
}

/** The host kernel a policy runs on in this scenario (its natural era unless the scenario fixes one). */
export function hostKernelOf(s: Scenario, policy: { hostKernel: HostKernel }): HostKernel {
  return s.host.kernel === 'natural' ? policy.hostKernel : s.host.kernel;
}

export const MIB_PAGES = 256;
export const pagesOf = (mib: number): number => Math.round(mib * MIB_PAGES);

export { POLICY_NAMES };
export { DEFAULT_SCENARIO_LIMITS, workloadCost, type ScenarioLimits } from './scenario-limits.ts';
