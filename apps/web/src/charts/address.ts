/** Guest address formatting and ticks for address axes (4 KiB pages). */

export const PAGE_BYTES = 4096;
/** Pages per MiB. */
export const MIB_PAGES = (1 << 20) / PAGE_BYTES;

/** "512 MiB", "2.5 MiB", "1.5 GiB" for a guest frame number. */
export function formatAddress(gfn: number): string {
  const mib = gfn / MIB_PAGES;
  if (mib >= 1024) return `${+(mib / 1024).toFixed(2)} GiB`;
  return `${+mib.toFixed(mib < 10 ? 1 : 0)} MiB`;
}

/** "0x40000" */
export const formatGfn = (gfn: number): string => `0x${Math.round(gfn).toString(16)}`;

/**
 * Ticks (guest frame numbers) over [0, pages] at a power-of-two step in pages, so MiB and gfn
 * labels are both round (256 MiB = 0x10000): about `count` of them, the last ≤ pages.
 */
export function addressTicks(pages: number, count: number): number[] {
  if (!(pages > 0)) return [0];
  const want = Math.max(1, count);
  let step = 2 ** Math.ceil(Math.log2(pages / want));
  if (step < 1) step = 1;
  const ticks: number[] = [];
  for (let g = 0; g <= pages + 1e-9; g += step) ticks.push(g);
  return ticks;
}
