import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  PRESET_NAMES,
  densifyTrace,
  getPreset,
  importTrace,
  parseScenario,
  type Scenario,
  type TraceTable,
  type WorkloadSpec,
} from '@agelab/sim-core';
import { openTraceFile } from './trace-file.ts';

/** Every trace a workload names (nested inside phases and mixes too). */
export function traceNames(w: WorkloadSpec): string[] {
  if (w.type === 'trace') return [w.trace];
  if (w.type === 'phases') return w.phases.flatMap((p) => traceNames(p.workload));
  if (w.type === 'mix') return w.parts.flatMap((p) => traceNames(p.workload));
  return [];
}

/**
 * Import the trace files a scenario names (paths relative to `baseDir`), densified so that a
 * trace's distinct pages become consecutive guest frames.
 */
export async function loadTraces(
  s: Scenario,
  baseDir: string,
  maxReferences?: number,
): Promise<TraceTable> {
  const table = new Map<string, Uint32Array>();
  for (const name of traceNames(s.workload)) {
    if (table.has(name)) continue;
    const imported = await importTrace(openTraceFile(resolve(baseDir, name)), { maxReferences });
    table.set(name, densifyTrace(imported.pages).refs);
  }
  return table;
}

/** A preset name, or the path of a scenario JSON file. Throws messages a person can act on. */
export async function loadScenario(
  nameOrPath: string,
): Promise<{ scenario: Scenario; traces: TraceTable }> {
  if (PRESET_NAMES.includes(nameOrPath))
    return { scenario: getPreset(nameOrPath), traces: new Map() };
  if (!nameOrPath.endsWith('.json'))
    throw new Error(
      `unknown preset "${nameOrPath}"; valid presets: ${PRESET_NAMES.join(', ')} (or a path to a .json scenario file)`,
    );
  let text: string;
  try {
    text = await readFile(nameOrPath, 'utf8');
  } catch (e) {
    throw new Error(`cannot read scenario file ${nameOrPath}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`scenario file ${nameOrPath} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const scenario = parseScenario(json);
  return { scenario, traces: await loadTraces(scenario, dirname(nameOrPath)) };
}
