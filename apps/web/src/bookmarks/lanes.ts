/**
 * Rows for timeline marks so that no two in a row overlap: marks at pixel positions `xs`, each
 * `size` px wide, go into the first of at most `maxLanes` rows where they clear the previous
 * mark by `size`; when none has room, into the row whose last mark is furthest left. Returns the
 * row of each mark (same order as `xs`).
 */
export function markLanes(xs: readonly number[], size: number, maxLanes = 3): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
  const last: number[] = [];
  const lane = new Array<number>(xs.length).fill(0);
  for (const i of order) {
    let l = last.findIndex((x) => xs[i] - x >= size);
    if (l < 0 && last.length < maxLanes) l = last.length;
    if (l < 0) l = last.indexOf(Math.min(...last));
    last[l] = xs[i];
    lane[i] = l;
  }
  return lane;
}
