/**
 * Every colour the dashboard draws with: the page, the classes of each lens, the runs, the history
 * heatmap and chart chrome. palette.test.ts checks the rules of the design note (docs/dashboard.md
 * § Palette, issue 10): every pair of classes of one lens differs by CIEDE2000 ≥ 12 for normal
 * vision and ≥ 8 under simulated deuteranopia, protanopia and tritanopia (Machado et al. 2009,
 * severity 1); every swatch is ≥ 3:1 against the page; alarm classes are the brightest of their
 * lens; "never touched" is a neutral grey.
 *
 * The categorical swatches start from Okabe–Ito and were adjusted for the dark page by a small
 * search (each within a few ΔE of its Okabe–Ito anchor); the heat lens samples viridis; the runs are
 * light tints, so a chart line never reads as a lens class. Change a colour here only with the test
 * green.
 *
 * Usage:
 *   import { PAGE, lensColours, lensRgba, runColours, historyLut } from './palette';
 *   ctx.fillStyle = lensColours('residency')[classIndex];            // CSS colour of one class
 *   const rgba = lensRgba('belief');                                 // 4 bytes per class, for ImageData
 *   const colours = runColours(['always-old', 'unmap-emulation']);   // one per run, in order
 */
import { interpolateViridis } from 'd3';
import { ALARM_CLASSES, LENSES, type LensName } from '@agelab/protocol';
import { hexToBytes } from './colour-science';

/**
 * The page and chart chrome (text and muted text ≥ 4.5:1 on the background and on panels). Every
 * swatch is ≥ 3:1 on both, so a legend may sit on a panel.
 */
export const PAGE = {
  /** Page background; map canvases clear to this too. */
  background: '#14161b',
  /** Raised panels (cards, tooltips). */
  panel: '#1c1f26',
  /** Body text. */
  text: '#dde1e8',
  /** Secondary text, axis labels. */
  muted: '#9aa3b2',
  /** Axis lines and ticks. */
  axis: '#6b7280',
  /** Grid lines (decoration only, deliberately faint). */
  grid: '#2a2f3a',
  /** Focus ring. */
  focus: '#ffd166',
} as const;

/**
 * The categorical swatches. Okabe–Ito anchors in comments; `grey` is the neutral "never touched"
 * (and "same", "not judged", "not in a THP": the uneventful majority).
 */
export const SWATCH = {
  grey: '#6b6b6b', // neutral, 3.4:1 on the page, 3.1:1 on a panel
  green: '#0ea06f', // bluish green #009E73
  sky: '#18baf3', // sky blue #56B4E9
  blue: '#0d73ae', // blue #0072B2
  orange: '#e19b09', // orange #E69F00
  vermillion: '#ce5a0a', // vermillion #D55E00
  purple: '#bf789a', // reddish purple #CC79A7
  yellow: '#ebdb02', // yellow #F0E442 — alarm: false old, split
  coral: '#ff7f76', // a light vermillion — alarm: hot but swapped out
} as const;
export type SwatchName = keyof typeof SWATCH;

/** Viridis positions of the heat lens's four age buckets (youngest brightest). */
export const HEAT_VIRIDIS_T = [1, 0.72, 0.53, 0.37] as const;
const viridisHex = (t: number): string => interpolateViridis(t).toLowerCase();

/** The difference lens (two runs, computed on the client from two residency views). */
export const DIFFERENCE = {
  title: 'Difference',
  question: 'What did the policy change?',
  classes: ['same', 'resident_here', 'swapped_here', 'other'],
  labels: [
    'same in both runs',
    'resident here, swapped out there',
    'swapped out here, resident there',
    'differs otherwise',
  ],
} as const;

export type PaletteLens = LensName | 'difference';
export const PALETTE_LENSES: readonly PaletteLens[] = [
  'residency',
  'lru',
  'belief',
  'heat',
  'huge',
  'difference',
];

/** Colour of each class, in the order of LENSES[lens].classes (DIFFERENCE.classes). */
export const LENS_COLOURS: Readonly<Record<PaletteLens, readonly string[]>> = {
  // untouched, ept_mapped, unmapped, swapcache, swapped
  residency: [SWATCH.grey, SWATCH.green, SWATCH.sky, SWATCH.orange, SWATCH.vermillion],
  // active, inactive, none
  lru: [SWATCH.green, SWATCH.blue, SWATCH.grey],
  // no_verdict, agreed, false_old, false_young, hot_swapped
  belief: [SWATCH.grey, SWATCH.blue, SWATCH.yellow, SWATCH.purple, SWATCH.coral],
  // lt_100ms, lt_1s, lt_10s, older, never
  heat: [...HEAT_VIRIDIS_T.map(viridisHex), SWATCH.grey],
  // none, thp_2m, thp_4k, split, collapsed
  huge: [SWATCH.grey, SWATCH.blue, SWATCH.sky, SWATCH.yellow, SWATCH.purple],
  // same, resident_here, swapped_here, other
  difference: [SWATCH.grey, SWATCH.sky, SWATCH.vermillion, SWATCH.purple],
};

/** The class names of a lens (protocol order). */
export function lensClasses(lens: PaletteLens): readonly string[] {
  return lens === 'difference' ? DIFFERENCE.classes : LENSES[lens].classes;
}
/** The legend labels of a lens (protocol order). */
export function lensLabels(lens: PaletteLens): readonly string[] {
  return lens === 'difference' ? DIFFERENCE.labels : LENSES[lens].labels;
}
/** Colours of a lens's classes, in protocol order. */
export function lensColours(lens: PaletteLens): readonly string[] {
  return LENS_COLOURS[lens];
}
/** Whether `cls` of `lens` is an alarm class (shown whenever any page of a cell is in it). */
export function isAlarm(lens: PaletteLens, cls: string): boolean {
  if (lens === 'difference') return false;
  return ALARM_CLASSES[lens]?.includes(cls) ?? false;
}

export interface LegendEntry {
  cls: string;
  label: string;
  colour: string;
  alarm: boolean;
}
/** One legend row per class of the lens, in protocol order. */
export function lensLegend(lens: PaletteLens): LegendEntry[] {
  const classes = lensClasses(lens);
  const labels = lensLabels(lens);
  return classes.map((cls, i) => ({
    cls,
    label: labels[i],
    colour: LENS_COLOURS[lens][i],
    alarm: isAlarm(lens, cls),
  }));
}

const rgbaCache = new Map<PaletteLens, Uint8ClampedArray>();
/**
 * The lens's colours as RGBA bytes, 4 per class in protocol order (for an ImageData fill:
 * `data.set(rgba.subarray(4 * k, 4 * k + 4), 4 * pixel)`, or read the bytes directly).
 * Shared and cached: do not write into it.
 */
export function lensRgba(lens: PaletteLens): Uint8ClampedArray {
  let out = rgbaCache.get(lens);
  if (!out) {
    const colours = LENS_COLOURS[lens];
    out = new Uint8ClampedArray(colours.length * 4);
    colours.forEach((hex, k) => {
      const [r, g, b] = hexToBytes(hex);
      out!.set([r, g, b, 255], 4 * k);
    });
    rgbaCache.set(lens, out);
  }
  return out;
}

/** One fixed colour per known policy, the same in every view. Light tints: never a lens colour. */
export const RUN_COLOURS: Readonly<Record<string, string>> = {
  'always-old': '#f39bc3',
  'unmap-emulation': '#9eb1fc',
  'ept-ad-bits': '#d4f1a1',
};
/** Colours for other policies, in order of appearance (then they repeat). */
export const RUN_FALLBACK = ['#b4fee2', '#f6e2fe', '#ddbfa6'] as const;

/**
 * Colours of the runs of one view, in order: a known policy always gets its own colour; the other
 * policies take the fallback colours in order (a repeated policy name gets the same colour).
 */
export function runColours(policies: readonly string[]): string[] {
  const unknown: string[] = [];
  return policies.map((p) => {
    const fixed = RUN_COLOURS[p];
    if (fixed) return fixed;
    let k = unknown.indexOf(p);
    if (k < 0) k = unknown.push(p) - 1;
    return RUN_FALLBACK[k % RUN_FALLBACK.length];
  });
}
/** The colour of one policy on its own (a known policy's colour, else the first fallback). */
export function runColour(policy: string): string {
  return RUN_COLOURS[policy] ?? RUN_FALLBACK[0];
}

/**
 * The address × time heatmap: a share of 0 (no page of the class) is `HISTORY_EMPTY`; shares
 * 1..255 run along viridis from HISTORY_T0 (≥ 3:1 against the page and a panel, so a bucket
 * with any page of the class is always visible) to 1 (every page).
 */
export const HISTORY_EMPTY = '#1c1f26';
export const HISTORY_T0 = 0.37;
/** The CSS colour of a share 0..255. */
export function historyColour(share: number): string {
  if (share <= 0) return HISTORY_EMPTY;
  const s = Math.min(255, share);
  return viridisHex(HISTORY_T0 + ((1 - HISTORY_T0) * (s - 1)) / 254);
}
let lut: Uint8ClampedArray | null = null;
/** RGBA bytes of historyColour(0..255): 256 × 4 bytes, for one-loop ImageData fills. Shared. */
export function historyLut(): Uint8ClampedArray {
  if (!lut) {
    lut = new Uint8ClampedArray(256 * 4);
    for (let s = 0; s < 256; s++) {
      const [r, g, b] = hexToBytes(historyColour(s));
      lut.set([r, g, b, 255], 4 * s);
    }
  }
  return lut;
}
