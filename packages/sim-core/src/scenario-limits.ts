/**
 * Bounds on a scenario's structure and on what building it costs, checked before anything is
 * built (issue 14, rows 1 and 10). The schema alone bounds each array (64 phases, 64 mix parts)
 * but not their nesting: 64 × 64 zipf parts fit in a 256 KiB body and each builds a CDF of the
 * guest's size, and phases nested 1,000 deep overflow the stack of a recursive validator.
 *
 * `checkStructure` walks the raw input iteratively (no recursion, so no depth overflows it) and
 * runs before the schema; `workloadCost` runs on the parsed scenario and estimates the memory
 * (and, proportionally, the time) building its reference source takes.
 */

export interface ScenarioLimits {
  /** Most levels of `mix`/`phases` nesting (a plain workload is depth 1). */
  maxWorkloadDepth: number;
  /** Most workload leaves (uniform, hotcold, zipf, scan, trace) in the whole tree. */
  maxWorkloadLeaves: number;
  /** Most bytes of tables building the workload may allocate (a zipf CDF is 8 bytes a page). */
  maxWorkloadBytes: number;
  /** Deepest JSON nesting anywhere in the input (objects and arrays). */
  maxJsonDepth: number;
}

export const DEFAULT_SCENARIO_LIMITS: ScenarioLimits = {
  maxWorkloadDepth: 8,
  maxWorkloadLeaves: 256,
  // 16M pages of zipf CDF: one over a 64 GiB guest, the largest the schema allows
  maxWorkloadBytes: 128 * 1024 * 1024,
  maxJsonDepth: 64,
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Structural problems of a raw scenario input (parsed JSON, not yet validated): JSON nested too
 * deep, workloads nested too deep, too many workload leaves. Iterative; stops at the first
 * problem of each kind. An empty list means the schema may look at it.
 */
export function checkStructure(input: unknown, limits: ScenarioLimits): string[] {
  const problems: string[] = [];
  // JSON depth, anywhere (an explicit stack: a deep input cannot overflow ours)
  const stack: [unknown, number][] = [[input, 1]];
  let visited = 0;
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > limits.maxJsonDepth) {
      problems.push(
        `(scenario): nested more than ${limits.maxJsonDepth} levels deep; allowed maximum ${limits.maxJsonDepth} (limit maxJsonDepth)`,
      );
      return problems;
    }
    // a body limit bounds the input; this bounds the walk even for inputs built in memory
    if (++visited > 1_000_000) {
      problems.push('(scenario): more than 1000000 values; too large to be a scenario');
      return problems;
    }
    for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push([c, d + 1]);
  }
  if (!isObject(input) || !isObject(input.workload)) return problems;
  // workload depth and leaves
  let leaves = 0;
  let deepest: { path: string; depth: number } | null = null;
  const ws: [Record<string, unknown>, string, number][] = [[input.workload, 'workload', 1]];
  while (ws.length) {
    const [w, path, depth] = ws.pop()!;
    const kids =
      w.type === 'mix' ? w.parts : w.type === 'phases' ? w.phases : (undefined as unknown);
    if (!Array.isArray(kids)) {
      leaves++;
      continue;
    }
    if (depth > limits.maxWorkloadDepth) {
      if (!deepest || depth > deepest.depth) deepest = { path, depth };
      continue;
    }
    const key = w.type === 'mix' ? 'parts' : 'phases';
    kids.forEach((k, i) => {
      if (isObject(k) && isObject(k.workload))
        ws.push([k.workload, `${path}.${key}.${i}.workload`, depth + 1]);
    });
  }
  if (deepest)
    problems.push(
      `${deepest.path}: workloads nested more than ${limits.maxWorkloadDepth} deep (mix and phases inside each other); allowed maximum depth ${limits.maxWorkloadDepth} (limit maxWorkloadDepth)`,
    );
  if (leaves > limits.maxWorkloadLeaves)
    problems.push(
      `workload: ${leaves} workload leaves (uniform, hotcold, zipf, scan, trace parts); allowed maximum ${limits.maxWorkloadLeaves} (limit maxWorkloadLeaves)`,
    );
  return problems;
}

interface CostWorkload {
  type: string;
  offsetMiB?: number;
  sizeMiB?: number;
  parts?: { workload: CostWorkload }[];
  phases?: { workload: CostWorkload }[];
}

/**
 * What building a workload costs, before it is built: bytes of tables (a zipf part's CDF is
 * 8 bytes per page of its region, computed with one `pow` per page, so the bytes are also a
 * measure of the build time: about 0.3 s per 8 MiB on a 2020s core) and leaves.
 */
export function workloadCost(
  workload: CostWorkload,
  guestMiB: number,
): { bytes: number; zipfPages: number } {
  const pagesOf = (mib: number) => Math.round(mib * 256);
  const guestPages = pagesOf(guestMiB);
  let zipfPages = 0;
  const ws: CostWorkload[] = [workload];
  while (ws.length) {
    const w = ws.pop()!;
    if (w.type === 'zipf') {
      const start = pagesOf(w.offsetMiB ?? 0);
      zipfPages += w.sizeMiB !== undefined ? pagesOf(w.sizeMiB) : Math.max(0, guestPages - start);
    }
    for (const p of w.parts ?? []) ws.push(p.workload);
    for (const p of w.phases ?? []) ws.push(p.workload);
  }
  return { bytes: zipfPages * 8, zipfPages };
}

/** The cost problem of a parsed scenario's workload, if it is over `limits.maxWorkloadBytes`. */
export function checkCost(
  workload: CostWorkload,
  guestMiB: number,
  limits: ScenarioLimits,
): string[] {
  const { bytes } = workloadCost(workload, guestMiB);
  if (bytes <= limits.maxWorkloadBytes) return [];
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return [
    `workload: building it would take ${mib(bytes)} MiB of tables (each zipf part holds 8 bytes per page of its region); allowed maximum ${mib(limits.maxWorkloadBytes)} MiB (limit maxWorkloadBytes)`,
  ];
}
