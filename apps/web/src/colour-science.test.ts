import { describe, expect, it } from 'vitest';
import {
  ciede2000,
  contrastRatio,
  deltaE,
  linearToSrgb,
  hexToLab,
  labToRgb,
  parseHex,
  relativeLuminance,
  simulate,
  toHex,
  type Lab,
  VISIONS,
  type Vision,
} from './colour-science';

/** Sharma, Wu & Dalal 2005, Table 1: L1 a1 b1, L2 a2 b2, ΔE00 (all 34 pairs). */
const SHARMA: readonly (readonly [number, number, number, number, number, number, number])[] = [
  [50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
  [50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
  [50.0, 2.8361, -74.02, 50.0, 0.0, -82.7485, 3.4412],
  [50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0],
  [50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
  [50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.001, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
  [50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.001, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
  [50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
  [50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
  [50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
  [50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.903],
  [50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
  [50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0],
  [50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2592, 0.335, 1.0],
  [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
  [61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
  [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
  [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
  [36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
  [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
  [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
  [2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

const close = (got: readonly number[], want: readonly number[], tol: number): void => {
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(tol));
};

describe('CIEDE2000', () => {
  it.each(SHARMA.map((r, i) => [i + 1, r] as const))(
    'matches Sharma et al. 2005 pair %i to 4 decimals, in both orders',
    (_n, r) => {
      const a: Lab = [r[0], r[1], r[2]];
      const b: Lab = [r[3], r[4], r[5]];
      expect(ciede2000(a, b)).toBeCloseTo(r[6], 4);
      expect(ciede2000(b, a)).toBeCloseTo(r[6], 4);
    },
  );
  it('is zero for a colour and itself', () => {
    expect(ciede2000([40, 20, -30], [40, 20, -30])).toBe(0);
  });
});

describe('sRGB → CIELAB (D65)', () => {
  it('maps white, black and the primaries to their published Lab values', () => {
    close(hexToLab('#ffffff'), [100, 0, 0], 0.01);
    close(hexToLab('#000000'), [0, 0, 0], 1e-9);
    close(hexToLab('#ff0000'), [53.24, 80.09, 67.2], 0.02);
    close(hexToLab('#00ff00'), [87.73, -86.18, 83.18], 0.02);
    close(hexToLab('#0000ff'), [32.3, 79.19, -107.86], 0.02);
    close(hexToLab('#808080'), [53.59, 0, 0], 0.02);
  });
  it('round-trips through Lab back to the same 8-bit colour', () => {
    for (const hex of ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7'])
      expect(toHex(labToRgb(hexToLab(hex)).rgb)).toBe(hex);
  });
  it('says when a Lab colour is outside sRGB', () => {
    expect(labToRgb([50, 0, 0]).inGamut).toBe(true);
    expect(labToRgb([90, -100, 0]).inGamut).toBe(false);
  });
  it('parses #rgb and #rrggbb and refuses anything else', () => {
    expect(parseHex('#fff')).toEqual([1, 1, 1]);
    expect(toHex(parseHex('#14161B'))).toBe('#14161b');
    expect(() => parseHex('red')).toThrow(/invalid colour: "red"/);
  });
});

describe('WCAG contrast', () => {
  it('gives 21:1 for black on white and 1:1 for a colour on itself', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrastRatio('#e69f00', '#e69f00')).toBe(1);
  });
  it('gives the published ratios for greys on white', () => {
    // #767676 is the usual "darkest grey that passes AA on white" example: 4.54:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 9);
  });
});

describe('colour-vision deficiency (Machado et al. 2009, severity 1)', () => {
  const visions: Vision[] = ['deuteranopia', 'protanopia', 'tritanopia'];
  it('leaves neutral greys (nearly) unchanged: each matrix row sums to 1', () => {
    for (const v of visions)
      for (const g of ['#000000', '#646464', '#c8c8c8', '#ffffff'])
        close(simulate(parseHex(g), v), parseHex(g), 0.003);
  });
  it('applies the matrix in linear light (pure red through the deuteranopia matrix)', () => {
    const want = [0.367322, 0.280085, 0].map(linearToSrgb);
    close(simulate([1, 0, 0], 'deuteranopia'), want, 1e-9);
  });
  it('confuses a red and a green of equal lightness for deuteranopes, keeps them apart for tritanopes', () => {
    expect(deltaE('#cc3333', '#558800', 'normal')).toBeGreaterThan(50);
    expect(deltaE('#cc3333', '#558800', 'deuteranopia')).toBeLessThan(5);
    expect(deltaE('#cc3333', '#558800', 'protanopia')).toBeLessThan(25);
    expect(deltaE('#cc3333', '#558800', 'tritanopia')).toBeGreaterThan(40);
  });
  it('confuses sky blue and bluish green for tritanopes only', () => {
    expect(deltaE('#56b4e9', '#009e73', 'tritanopia')).toBeLessThan(15);
    for (const v of ['normal', 'deuteranopia', 'protanopia'] as const)
      expect(deltaE('#56b4e9', '#009e73', v)).toBeGreaterThan(30);
  });
  it('sees Okabe–Ito vermillion and bluish green apart in every vision (the set is made for it)', () => {
    for (const v of VISIONS) expect(deltaE('#d55e00', '#009e73', v)).toBeGreaterThan(12);
  });
  it('makes blue and green hard to tell apart for tritanopes', () => {
    expect(deltaE('#56b4e9', '#66c2a5', 'tritanopia')).toBeLessThan(
      deltaE('#56b4e9', '#66c2a5', 'normal'),
    );
  });
});
