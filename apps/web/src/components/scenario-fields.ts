import type { JsonValue, ScenarioJson } from '../api.ts';

/** A scenario's editable leaves, by dotted path (the paths the server's issues name). */
export interface Leaf {
  path: string;
  value: string | number | boolean | null;
}

export function leaves(v: JsonValue, prefix = ''): Leaf[] {
  if (v !== null && typeof v === 'object') {
    const entries: [string, JsonValue][] = Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : Object.entries(v);
    return entries.flatMap(([k, x]) => leaves(x, prefix ? `${prefix}.${k}` : k));
  }
  return [{ path: prefix, value: v }];
}

/** A copy of `o` with the leaf at `path` set to `value`. */
export function setPath(o: ScenarioJson, path: string, value: JsonValue): ScenarioJson {
  const keys = path.split('.');
  const rec = (node: JsonValue, i: number): JsonValue => {
    if (i === keys.length) return value;
    const k = keys[i];
    if (Array.isArray(node)) {
      const copy = node.slice();
      copy[Number(k)] = rec(node[Number(k)] ?? null, i + 1);
      return copy;
    }
    const obj = node !== null && typeof node === 'object' ? node : {};
    return { ...obj, [k]: rec(obj[k] ?? null, i + 1) };
  };
  return rec(o, 0) as ScenarioJson;
}

/**
 * Where an issue is shown: at the leaf it names, else at the deepest leaf path it is a prefix of
 * (an issue about "workload" sits at the workload's first field), else at the top ("").
 */
export function issueAnchor(path: string, paths: readonly string[]): string {
  if (paths.includes(path)) return path;
  if (path) {
    const under = paths.find((p) => p.startsWith(`${path}.`));
    if (under) return under;
    const parts = path.split('.');
    while (parts.length > 1) {
      parts.pop();
      const up = parts.join('.');
      const at = paths.find((p) => p === up || p.startsWith(`${up}.`));
      if (at) return at;
    }
  }
  return '';
}
