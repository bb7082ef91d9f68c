import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  PRESET_NAMES,
  SweepError,
  baseInput,
  expandSweep,
  parseSweep,
  type SweepDefinition,
  type SweepPlan,
} from '@agelab/sim-core';

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new SweepError([`cannot read ${what} ${path}: ${(e as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SweepError([`${what} ${path} is not valid JSON: ${(e as Error).message}`]);
  }
}

/**
 * Make every trace a workload names an absolute path, so that a job can be run from any working
 * directory (a worker thread, or a queue worker on another machine with the same checkout).
 */
export function absolutizeTraces(node: unknown, dir: string): void {
  if (Array.isArray(node)) node.forEach((n) => absolutizeTraces(n, dir));
  else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o.type === 'trace' && typeof o.trace === 'string' && !isAbsolute(o.trace))
      o.trace = resolve(dir, o.trace);
    for (const v of Object.values(o)) absolutizeTraces(v, dir);
  }
}

export interface LoadedSweep {
  definition: SweepDefinition;
  plan: SweepPlan;
}

/**
 * A sweep file: validated, its base scenario read (a preset, a scenario file relative to the
 * sweep file, or inline), and expanded with every grid point's scenario validated.
 */
export async function loadSweepFile(path: string, maxRuns?: number): Promise<LoadedSweep> {
  const definition = parseSweep(await readJson(path, 'sweep file'));
  let base: Record<string, unknown>;
  let baseDir = dirname(resolve(path));
  if (typeof definition.base === 'string' && !PRESET_NAMES.includes(definition.base)) {
    if (!definition.base.endsWith('.json'))
      throw new SweepError([
        `base: "${definition.base}" is not a preset (allowed: ${PRESET_NAMES.join(', ')}) nor a .json scenario file`,
      ]);
    const file = resolve(baseDir, definition.base);
    const json = await readJson(file, 'base scenario');
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new SweepError([`base: ${file} does not hold a scenario object`]);
    base = json as Record<string, unknown>;
    baseDir = dirname(file);
  } else base = baseInput(definition);
  absolutizeTraces(base.workload, baseDir);
  return { definition, plan: expandSweep(definition, base, { maxRuns }) };
}
