/**
 * Renumbers a trace's pages 0..d-1 in order of first appearance. Policies and trace workloads
 * index per-page state by page number, and a real trace's pages are sparse (a lackey trace's
 * stack sits near page 0x1fff000), so they work on dense ids and keep `original` to map back.
 */
export interface DenseTrace {
  /** The trace with every page replaced by its dense id. */
  readonly refs: Uint32Array;
  /** Number of distinct pages d; ids are 0..d-1. */
  readonly distinct: number;
  /** Dense id → original page number (length d). */
  readonly original: Uint32Array;
}

/** Below this many pages an Int32Array map beats a Map (64 MiB at the bound). */
const ARRAY_MAP_LIMIT = 1 << 24;

export function densifyTrace(pages: Uint32Array): DenseTrace {
  const n = pages.length;
  const refs = new Uint32Array(n);
  const firstSeen: number[] = [];
  let max = 0;
  for (let i = 0; i < n; i++) if (pages[i]! > max) max = pages[i]!;

  if (max < ARRAY_MAP_LIMIT && max < 8 * n + 1024) {
    const idOf = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const page = pages[i]!;
      let id = idOf[page]!;
      if (id < 0) {
        id = firstSeen.length;
        idOf[page] = id;
        firstSeen.push(page);
      }
      refs[i] = id;
    }
  } else {
    const idOf = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const page = pages[i]!;
      let id = idOf.get(page);
      if (id === undefined) {
        id = firstSeen.length;
        idOf.set(page, id);
        firstSeen.push(page);
      }
      refs[i] = id;
    }
  }
  return { refs, distinct: firstSeen.length, original: Uint32Array.from(firstSeen) };
}

/** Number of distinct pages, without building the dense copy. */
export function countDistinctPages(pages: Uint32Array): number {
  let max = 0;
  for (let i = 0; i < pages.length; i++) if (pages[i]! > max) max = pages[i]!;
  if (max < 1 << 27) {
    const seen = new Uint8Array((max >>> 3) + 1);
    let distinct = 0;
    for (let i = 0; i < pages.length; i++) {
      const page = pages[i]!;
      const bit = 1 << (page & 7);
      const byte = page >>> 3;
      if ((seen[byte]! & bit) === 0) {
        seen[byte] = seen[byte]! | bit;
        distinct++;
      }
    }
    return distinct;
  }
  const seen = new Set<number>();
  for (let i = 0; i < pages.length; i++) seen.add(pages[i]!);
  return seen.size;
}
