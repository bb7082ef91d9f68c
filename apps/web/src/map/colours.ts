import { LENSES, type LensName } from '@agelab/protocol';
import { DIFF_CLASSES } from './cells.ts';
import type { ViewLens } from '../url-state.ts';

/**
 * The colours the map and legend draw with. TEMPORARY: a local stand-in until the charts
 * engineer's palette.ts lands; then this module only re-exports it.
 */
export const PAGE_BACKGROUND = '#14161b';

const TEMP: Record<ViewLens, readonly string[]> = {
  residency: ['#5b6170', '#0072B2', '#56B4E9', '#CC79A7', '#E69F00'],
  lru: ['#009E73', '#F0E442', '#5b6170'],
  belief: ['#5b6170', '#2b6e8f', '#D55E00', '#CC79A7', '#F0E442'],
  heat: ['#fde725', '#5ec962', '#21918c', '#3b528b', '#5b6170'],
  huge: ['#5b6170', '#0072B2', '#56B4E9', '#D55E00', '#009E73'],
  difference: ['#3a3f4b', '#56B4E9', '#E69F00'],
};

export function lensColours(lens: ViewLens): readonly string[] {
  return TEMP[lens];
}

export const RUN_COLOURS = ['#f28e8e', '#8ec5f2', '#b7e08a', '#d9a6f2'];
export const runColour = (i: number): string => RUN_COLOURS[i % RUN_COLOURS.length];

export function lensClassCount(lens: ViewLens): number {
  return lens === 'difference' ? DIFF_CLASSES.length : LENSES[lens as LensName].classes.length;
}

/** '#rrggbb' → 0xAABBGGRR (little-endian RGBA in a Uint32 view of ImageData). */
export function rgba32(hex: string): number {
  const n = parseInt(hex.slice(1, 7), 16);
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
