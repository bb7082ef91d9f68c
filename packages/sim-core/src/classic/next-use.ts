/**
 * The next-use table OPT needs: for each position i, the next position j > i referencing the
 * same page, or `refs.length` when the page is never referenced again. One backward pass.
 */
export function nextUseTable(refs: Uint32Array, pageCount: number): Int32Array {
  const n = refs.length;
  const nextUse = new Int32Array(n);
  const seenAt = new Int32Array(pageCount).fill(n);
  for (let i = n - 1; i >= 0; i--) {
    const page = refs[i]!;
    nextUse[i] = seenAt[page]!;
    seenAt[page] = i;
  }
  return nextUse;
}
