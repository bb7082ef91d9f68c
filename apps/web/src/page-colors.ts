import { PAGE } from '@agelab/protocol';

/** RGB of each page state, most alarming first; a legend lists them in this order. */
export const STATES = [
  { key: 'hotSwapped', label: 'hot but swapped out', rgb: [255, 64, 160] },
  { key: 'swapped', label: 'swapped out', rgb: [200, 60, 60] },
  { key: 'swapcache', label: 'in swap cache', rgb: [230, 150, 40] },
  { key: 'unmapped', label: 'resident, EPT unmapped', rgb: [120, 110, 200] },
  { key: 'inactive', label: 'resident, inactive list', rgb: [46, 134, 171] },
  { key: 'active', label: 'resident, active list', rgb: [90, 180, 110] },
  { key: 'untouched', label: 'never touched', rgb: [40, 44, 52] },
] as const;

/** Index into STATES of one page's view byte (lower is more alarming). */
export function stateOf(v: number): number {
  const res = v & PAGE.RESIDENCY_MASK;
  if (res === PAGE.SWAPPED) return v & PAGE.HOT ? 0 : 1;
  if (res === PAGE.SWAPCACHE) return 2;
  if (res === PAGE.RESIDENT) {
    if (!(v & PAGE.EPT_MAPPED)) return 3;
    return v & PAGE.ACTIVE ? 5 : 4;
  }
  return 6;
}
