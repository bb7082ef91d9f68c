import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  runsTable,
  summaryTable,
  tableToCsv,
  tableToObjects,
  type JobResult,
  type SweepPlan,
} from '@agelab/sim-core';

/**
 * runs.json: what the sweep was, then one object per run (the same rows as runs.csv), a run a
 * line so that a diff of two sweeps' results reads run by run.
 */
export function runsJson(plan: SweepPlan, results: ReadonlyMap<number, JobResult>): string {
  const head = {
    sweep: plan.name,
    axes: plan.axes,
    seeds: plan.seeds,
    policies: plan.policies,
    baseline: plan.baseline,
    figures: plan.figures,
  };
  const rows = tableToObjects(runsTable(plan, results)).map((r) => '  ' + JSON.stringify(r));
  const fields = Object.entries(head).map(
    ([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`,
  );
  return `{\n${fields.join('\n')}\n  "runs": [\n${rows.join(',\n')}\n  ]\n}\n`;
}

export const runsCsv = (plan: SweepPlan, results: ReadonlyMap<number, JobResult>): string =>
  tableToCsv(runsTable(plan, results));

export const summaryCsv = (plan: SweepPlan, results: ReadonlyMap<number, JobResult>): string =>
  tableToCsv(summaryTable(plan, results));

/** Write runs.csv, runs.json and summary.csv into `dir` (created if missing). */
export async function writeSweepOutputs(
  dir: string,
  plan: SweepPlan,
  results: ReadonlyMap<number, JobResult>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['runs.csv', runsCsv(plan, results)],
    ['runs.json', runsJson(plan, results)],
    ['summary.csv', summaryCsv(plan, results)],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
