import { describe, expect, it } from 'vitest';
import { interpolateViridis } from 'd3';
import { LENSES, LENS_NAMES } from '@agelab/protocol';
import { contrastRatio, deltaE, hexToBytes, hexToLab, labToLch, VISIONS } from './colour-science';
import { POLICY_COLOURS } from './views/classic-model';
import {
  HEAT_VIRIDIS_T,
  HISTORY_EMPTY,
  LENS_COLOURS,
  PAGE,
  PALETTE_LENSES,
  RUN_COLOURS,
  RUN_FALLBACK,
  SWATCH,
  historyColour,
  historyLut,
  isAlarm,
  lensClasses,
  lensLegend,
  lensRgba,
  runColours,
} from './palette';

/** The thresholds (issue 10 § Palette): never lower these to make a palette pass. */
const MIN_DE_NORMAL = 12;
const MIN_DE_CVD = 8;
const MIN_CONTRAST = 3;
/** How much lighter (CIE L*) an alarm class is than every calm class of its lens. */
const ALARM_LIGHTER_BY = 5;
/** How far (ΔE00, normal vision) a run colour stays from every lens colour. */
const RUN_FROM_LENS = 10;

const threshold = (v: (typeof VISIONS)[number]): number =>
  v === 'normal' ? MIN_DE_NORMAL : MIN_DE_CVD;

/** The closest pair of `colours` under `vision`. */
function closest(colours: readonly string[], vision: (typeof VISIONS)[number]) {
  let best = { de: Infinity, i: -1, j: -1 };
  for (let i = 0; i < colours.length; i++)
    for (let j = i + 1; j < colours.length; j++) {
      const de = deltaE(colours[i], colours[j], vision);
      if (de < best.de) best = { de, i, j };
    }
  return best;
}

const L = (hex: string): number => hexToLab(hex)[0];
const runs = [...Object.values(RUN_COLOURS), ...RUN_FALLBACK];
const allLensColours = [...new Set(Object.values(LENS_COLOURS).flat())];

describe('lens classes', () => {
  it('has one colour per class for every lens of the protocol, plus difference', () => {
    expect([...PALETTE_LENSES].sort()).toEqual([...LENS_NAMES, 'difference'].sort());
    for (const lens of LENS_NAMES)
      expect(LENS_COLOURS[lens]).toHaveLength(LENSES[lens].classes.length);
    expect(LENS_COLOURS.difference).toHaveLength(lensClasses('difference').length);
  });

  for (const lens of PALETTE_LENSES)
    for (const vision of VISIONS) {
      const colours = LENS_COLOURS[lens];
      const c = closest(colours, vision);
      const names = lensClasses(lens);
      it(`${lens}, ${vision}: closest pair ${names[c.i]} / ${names[c.j]} ΔE00 ${c.de.toFixed(1)} ≥ ${threshold(vision)}`, () => {
        expect(c.de).toBeGreaterThanOrEqual(threshold(vision));
      });
    }

  for (const lens of PALETTE_LENSES) {
    const worst = Math.min(...LENS_COLOURS[lens].map((c) => contrastRatio(c, PAGE.background)));
    const onPanel = Math.min(...LENS_COLOURS[lens].map((c) => contrastRatio(c, PAGE.panel)));
    it(`${lens}: every swatch ≥ ${MIN_CONTRAST}:1 against the page (lowest ${worst.toFixed(2)}:1) and a panel (${onPanel.toFixed(2)}:1)`, () => {
      expect(worst).toBeGreaterThanOrEqual(MIN_CONTRAST);
      expect(onPanel).toBeGreaterThanOrEqual(MIN_CONTRAST);
    });
  }

  it('draws the uneventful classes in one neutral grey (no hue), still ≥ 3:1', () => {
    const greys = [
      LENS_COLOURS.residency[LENSES.residency.classes.indexOf('untouched')],
      LENS_COLOURS.heat[LENSES.heat.classes.indexOf('never')],
      LENS_COLOURS.lru[LENSES.lru.classes.indexOf('none')],
      LENS_COLOURS.belief[LENSES.belief.classes.indexOf('no_verdict')],
      LENS_COLOURS.huge[LENSES.huge.classes.indexOf('none')],
      LENS_COLOURS.difference[lensClasses('difference').indexOf('same')],
    ];
    expect(new Set(greys).size).toBe(1);
    expect(labToLch(hexToLab(greys[0]))[1]).toBeLessThan(1);
    expect(contrastRatio(greys[0], PAGE.background)).toBeGreaterThanOrEqual(MIN_CONTRAST);
  });

  it('makes the alarm classes (false old, hot but swapped out, split) the brightest of their lens', () => {
    let alarms = 0;
    for (const lens of PALETTE_LENSES) {
      const entries = lensLegend(lens);
      const alarm = entries.filter((e) => e.alarm).map((e) => L(e.colour));
      const calm = entries.filter((e) => !e.alarm).map((e) => L(e.colour));
      alarms += alarm.length;
      if (alarm.length)
        expect(Math.min(...alarm)).toBeGreaterThanOrEqual(Math.max(...calm) + ALARM_LIGHTER_BY);
    }
    expect(alarms).toBe(3);
    expect(isAlarm('belief', 'false_old')).toBe(true);
    expect(isAlarm('belief', 'hot_swapped')).toBe(true);
    expect(isAlarm('huge', 'split')).toBe(true);
    expect(isAlarm('residency', 'swapped')).toBe(false);
  });

  it('keeps each categorical swatch within 5 ΔE00 of its Okabe–Ito anchor', () => {
    const anchors: Partial<Record<keyof typeof SWATCH, string>> = {
      green: '#009E73',
      sky: '#56B4E9',
      blue: '#0072B2',
      orange: '#E69F00',
      vermillion: '#D55E00',
      purple: '#CC79A7',
      yellow: '#F0E442',
    };
    for (const [name, anchor] of Object.entries(anchors))
      expect(deltaE(SWATCH[name as keyof typeof SWATCH], anchor)).toBeLessThan(5);
  });

  it('samples viridis for heat, youngest brightest', () => {
    HEAT_VIRIDIS_T.forEach((t, k) =>
      expect(LENS_COLOURS.heat[k]).toBe(interpolateViridis(t).toLowerCase()),
    );
    const ls = HEAT_VIRIDIS_T.map((_, k) => L(LENS_COLOURS.heat[k]));
    for (let k = 1; k < ls.length; k++) expect(ls[k]).toBeLessThan(ls[k - 1]);
  });

  it('gives RGBA bytes in class order for canvas fills', () => {
    for (const lens of PALETTE_LENSES) {
      const rgba = lensRgba(lens);
      expect(rgba).toHaveLength(LENS_COLOURS[lens].length * 4);
      LENS_COLOURS[lens].forEach((hex, k) => {
        expect([...rgba.subarray(4 * k, 4 * k + 3)]).toEqual(hexToBytes(hex));
        expect(rgba[4 * k + 3]).toBe(255);
      });
    }
  });

  it('labels every legend entry with the protocol label', () => {
    const legend = lensLegend('belief');
    expect(legend.map((e) => e.label)).toEqual([...LENSES.belief.labels]);
    expect(legend.find((e) => e.cls === 'false_old')?.alarm).toBe(true);
  });
});

describe('run colours', () => {
  for (const vision of VISIONS) {
    const c = closest(runs, vision);
    it(`${vision}: closest pair of the ${runs.length} run colours ΔE00 ${c.de.toFixed(1)} ≥ ${threshold(vision)}`, () => {
      expect(c.de).toBeGreaterThanOrEqual(threshold(vision));
    });
  }

  it(`keeps every run colour ≥ ${RUN_FROM_LENS} ΔE00 from every lens colour, and ≥ 3:1 on the page`, () => {
    let min = Infinity;
    for (const r of runs) {
      expect(contrastRatio(r, PAGE.background)).toBeGreaterThanOrEqual(MIN_CONTRAST);
      for (const c of allLensColours) min = Math.min(min, deltaE(r, c));
    }
    expect(min).toBeGreaterThanOrEqual(RUN_FROM_LENS);
  });

  it('fixes one colour per known policy, and hands other policies the fallbacks in order', () => {
    expect(Object.keys(RUN_COLOURS)).toEqual(['always-old', 'unmap-emulation', 'ept-ad-bits']);
    expect(runColours(['unmap-emulation', 'always-old'])).toEqual([
      RUN_COLOURS['unmap-emulation'],
      RUN_COLOURS['always-old'],
    ]);
    expect(runColours(['x', 'always-old', 'y', 'x'])).toEqual([
      RUN_FALLBACK[0],
      RUN_COLOURS['always-old'],
      RUN_FALLBACK[1],
      RUN_FALLBACK[0],
    ]);
    expect(runColours(['a', 'b', 'c', 'd'])[3]).toBe(RUN_FALLBACK[0]);
  });
});

describe('history heatmap scale', () => {
  it('draws share 0 as empty and every other share ≥ 3:1 against the page, lighter as it grows', () => {
    expect(historyColour(0)).toBe(HISTORY_EMPTY);
    let prev = -Infinity;
    for (let s = 1; s <= 255; s++) {
      const c = historyColour(s);
      expect(contrastRatio(c, PAGE.background)).toBeGreaterThanOrEqual(MIN_CONTRAST);
      expect(contrastRatio(c, PAGE.panel)).toBeGreaterThanOrEqual(MIN_CONTRAST);
      const l = L(c);
      expect(l).toBeGreaterThanOrEqual(prev - 0.5);
      prev = l;
    }
    expect(historyColour(255)).toBe(interpolateViridis(1));
  });

  it('has a 256-entry RGBA table equal to historyColour', () => {
    const lut = historyLut();
    expect(lut).toHaveLength(1024);
    for (const s of [0, 1, 17, 128, 255]) {
      expect([...lut.subarray(4 * s, 4 * s + 3)]).toEqual(hexToBytes(historyColour(s)));
      expect(lut[4 * s + 3]).toBe(255);
    }
  });
});

describe('page chrome', () => {
  it('is dark, with text and muted text ≥ 4.5:1 and axes and focus ring ≥ 3:1', () => {
    expect(L(PAGE.background)).toBeLessThan(15);
    for (const bg of [PAGE.background, PAGE.panel]) {
      expect(contrastRatio(PAGE.text, bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(PAGE.muted, bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(PAGE.axis, bg)).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(PAGE.focus, bg)).toBeGreaterThanOrEqual(3);
    }
  });
});

// The classic replacement view draws its five policies' lines and swatches side by side.
describe('classic replacement policy colours', () => {
  const colours = Object.values(POLICY_COLOURS);
  for (const vision of VISIONS) {
    const c = closest(colours, vision);
    it(`${vision}: closest pair of the ${colours.length} policy colours ΔE00 ${c.de.toFixed(1)} ≥ ${threshold(vision)}`, () => {
      expect(c.de).toBeGreaterThanOrEqual(threshold(vision));
    });
  }
  it('every policy colour is ≥ 3:1 on the page', () => {
    for (const c of colours)
      expect(contrastRatio(c, PAGE.background)).toBeGreaterThanOrEqual(MIN_CONTRAST);
  });
});
