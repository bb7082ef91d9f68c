/**
 * Scenario fields addressed by a dotted path (`host.memcgLimitMiB`, `workload.parts.0.weight`), as
 * a sweep's axes name them. Paths walk plain JSON: objects by key, arrays by index.
 */

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deep copy of plain JSON (scenario inputs are JSON: no dates, maps or functions). */
export function cloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Set `path` in `target` (mutated), creating missing objects on the way. Returns a message
 * naming the first segment that is not a container instead of throwing, so callers can report
 * it beside the axis.
 */
export function setPath(
  target: Record<string, unknown>,
  path: string,
  value: unknown,
): string | null {
  const segs = path.split('.');
  if (segs.some((s) => s === '')) return `"${path}" is not a field path (empty segment)`;
  let node: unknown = target;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i];
    const where = segs.slice(0, i + 1).join('.');
    if (Array.isArray(node)) {
      const k = Number(seg);
      if (!Number.isInteger(k) || k < 0 || k >= node.length)
        return `${where}: no element ${seg} (the list has ${node.length})`;
      node = node[k];
    } else if (isRecord(node)) {
      if (node[seg] === undefined) node[seg] = {};
      node = node[seg];
    }
    if (!Array.isArray(node) && !isRecord(node))
      return `${where} is ${JSON.stringify(node)}, not an object with fields`;
  }
  const last = segs[segs.length - 1];
  if (Array.isArray(node)) {
    const k = Number(last);
    if (!Number.isInteger(k) || k < 0 || k >= node.length)
      return `${path}: no element ${last} (the list has ${node.length})`;
    node[k] = value;
  } else if (isRecord(node)) node[last] = value;
  return null;
}
