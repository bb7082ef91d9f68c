import { PAGE, lensColours as paletteLens, runColour as palettePolicy } from '../palette.ts';
import type { ViewLens } from '../url-state.ts';

/** The colours the map and the legend draw with: the charts engineer's palette (palette.ts). */
export const PAGE_BACKGROUND = PAGE.background;
export const lensColours = (lens: ViewLens): readonly string[] => paletteLens(lens);
export const runColour = (policy: string): string => palettePolicy(policy);

/** '#rrggbb' → 0xAABBGGRR (little-endian RGBA in a Uint32 view of ImageData). */
export function rgba32(hex: string): number {
  const n = parseInt(hex.slice(1, 7), 16);
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
