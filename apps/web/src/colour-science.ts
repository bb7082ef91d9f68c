/**
 * The colour maths the palette is checked with (palette.test.ts): sRGB ↔ linear RGB ↔ CIE XYZ (D65)
 * ↔ CIELAB, the CIEDE2000 colour difference, simulated colour-vision deficiency and WCAG contrast.
 * DOM-free and dependency-free, so the checks run in Node.
 *
 * - sRGB transfer function and the sRGB → XYZ matrix: IEC 61966-2-1 (D65 white, 2° observer).
 * - CIELAB: CIE 15:2004, reference white D65 = (0.95047, 1, 1.08883).
 * - CIEDE2000: Sharma, Wu & Dalal, "The CIEDE2000 color-difference formula: implementation notes,
 *   supplementary test data, and mathematical observations", Color Res. Appl. 30(1), 2005
 *   (colour-science.test.ts checks all 34 of its published pairs); kL = kC = kH = 1.
 * - Colour-vision deficiency: Machado, Oliveira & Fernandes, "A physiologically-based model for
 *   simulation of color vision deficiency", IEEE TVCG 15(6), 2009, severity 1.0 (dichromacy)
 *   matrices, applied in linear RGB and clamped to [0, 1].
 * - Contrast: WCAG 2 relative luminance and contrast ratio (L1 + 0.05) / (L2 + 0.05).
 */

/** Red, green, blue in 0..1 (gamma-encoded sRGB unless a name says linear). */
export type Rgb = readonly [number, number, number];
export type Lab = readonly [number, number, number];
export type Vision = 'normal' | 'deuteranopia' | 'protanopia' | 'tritanopia';
export const VISIONS: readonly Vision[] = ['normal', 'deuteranopia', 'protanopia', 'tritanopia'];

/** "#rrggbb" (or "rrggbb", or "#rgb") → sRGB in 0..1. Throws on anything else. */
export function parseHex(hex: string): Rgb {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex.trim());
  if (!m) throw new Error(`invalid colour: ${JSON.stringify(hex)} (want #rrggbb)`);
  let h = m[1];
  if (h.length === 3) h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2];
  const n = parseInt(h, 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** sRGB in 0..1 → "#rrggbb" (clamped, rounded to 8 bits). */
export function toHex(rgb: Rgb): string {
  return (
    '#' +
    rgb
      .map((v) =>
        Math.round(clamp01(v) * 255)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}

/** "#rrggbb" → [r, g, b] in 0..255 (for ImageData and canvas). */
export function hexToBytes(hex: string): [number, number, number] {
  const [r, g, b] = parseHex(hex);
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/** sRGB transfer function, decoding: one gamma-encoded channel → linear light. */
export const srgbToLinear = (c: number): number =>
  c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
/** sRGB transfer function, encoding: linear light → gamma-encoded. */
export const linearToSrgb = (c: number): number =>
  c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;

export const toLinear = (rgb: Rgb): Rgb => [
  srgbToLinear(rgb[0]),
  srgbToLinear(rgb[1]),
  srgbToLinear(rgb[2]),
];
export const fromLinear = (lin: Rgb): Rgb => [
  linearToSrgb(clamp01(lin[0])),
  linearToSrgb(clamp01(lin[1])),
  linearToSrgb(clamp01(lin[2])),
];

type Matrix3 = readonly [Rgb, Rgb, Rgb];
const mul = (m: Matrix3, v: Rgb): Rgb => [
  m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
  m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
  m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
];

const SRGB_TO_XYZ: Matrix3 = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041],
];
const XYZ_TO_SRGB: Matrix3 = [
  [3.2404542, -1.5371385, -0.4985314],
  [-0.969266, 1.8760108, 0.041556],
  [0.0556434, -0.2040259, 1.0572252],
];
export const D65: Rgb = [0.95047, 1, 1.08883];

/** Linear RGB → CIE XYZ (Y of white = 1). */
export const linearToXyz = (lin: Rgb): Rgb => mul(SRGB_TO_XYZ, lin);

const EPS = 216 / 24389;
const KAPPA = 24389 / 27;
const f = (t: number): number => (t > EPS ? Math.cbrt(t) : (KAPPA * t + 16) / 116);
const fInv = (t: number): number => (t ** 3 > EPS ? t ** 3 : (116 * t - 16) / KAPPA);

/** CIE XYZ → CIELAB (D65). */
export function xyzToLab(xyz: Rgb): Lab {
  const fx = f(xyz[0] / D65[0]);
  const fy = f(xyz[1] / D65[1]);
  const fz = f(xyz[2] / D65[2]);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** CIELAB (D65) → sRGB in 0..1; `inGamut` says whether it needed clamping. */
export function labToRgb(lab: Lab): { rgb: Rgb; inGamut: boolean } {
  const fy = (lab[0] + 16) / 116;
  const xyz: Rgb = [
    fInv(fy + lab[1] / 500) * D65[0],
    fInv(fy) * D65[1],
    fInv(fy - lab[2] / 200) * D65[2],
  ];
  const lin = mul(XYZ_TO_SRGB, xyz);
  const inGamut = lin.every((c) => c >= -1e-6 && c <= 1 + 1e-6);
  return { rgb: fromLinear(lin), inGamut };
}

/** sRGB (0..1) → CIELAB. */
export const rgbToLab = (rgb: Rgb): Lab => xyzToLab(linearToXyz(toLinear(rgb)));
/** "#rrggbb" → CIELAB. */
export const hexToLab = (hex: string): Lab => rgbToLab(parseHex(hex));

/** CIELAB → LCh (chroma, hue in degrees 0..360). */
export function labToLch(lab: Lab): Lab {
  const h = (Math.atan2(lab[2], lab[1]) * 180) / Math.PI;
  return [lab[0], Math.hypot(lab[1], lab[2]), h < 0 ? h + 360 : h];
}

const RAD = Math.PI / 180;
const POW25_7 = 25 ** 7;

/** CIEDE2000 colour difference ΔE00 of two CIELAB colours (kL = kC = kH = 1). */
export function ciede2000(lab1: Lab, lab2: Lab): number {
  const [L1, a1, b1] = lab1;
  const [L2, a2, b2] = lab2;
  const Cab = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const Cab7 = Cab ** 7;
  const G = 0.5 * (1 - Math.sqrt(Cab7 / (Cab7 + POW25_7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1);
  const C2p = Math.hypot(a2p, b2);
  const hue = (b: number, a: number): number => {
    if (b === 0 && a === 0) return 0;
    const h = Math.atan2(b, a) / RAD;
    return h < 0 ? h + 360 : h;
  };
  const h1p = hue(b1, a1p);
  const h2p = hue(b2, a2p);

  const dLp = L2 - L1;
  const dCp = C2p - C1p;
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin((dhp / 2) * RAD);

  const Lbp = (L1 + L2) / 2;
  const Cbp = (C1p + C2p) / 2;
  let hbp = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hbp /= 2;
    else hbp = hbp < 360 ? (hbp + 360) / 2 : (hbp - 360) / 2;
  }
  const T =
    1 -
    0.17 * Math.cos((hbp - 30) * RAD) +
    0.24 * Math.cos(2 * hbp * RAD) +
    0.32 * Math.cos((3 * hbp + 6) * RAD) -
    0.2 * Math.cos((4 * hbp - 63) * RAD);
  const dTheta = 30 * Math.exp(-(((hbp - 275) / 25) ** 2));
  const Cbp7 = Cbp ** 7;
  const RC = 2 * Math.sqrt(Cbp7 / (Cbp7 + POW25_7));
  const L50 = (Lbp - 50) ** 2;
  const SL = 1 + (0.015 * L50) / Math.sqrt(20 + L50);
  const SC = 1 + 0.045 * Cbp;
  const SH = 1 + 0.015 * Cbp * T;
  const RT = -Math.sin(2 * dTheta * RAD) * RC;
  const l = dLp / SL;
  const c = dCp / SC;
  const h = dHp / SH;
  return Math.sqrt(l * l + c * c + h * h + RT * c * h);
}

/** Machado, Oliveira & Fernandes 2009, severity 1.0, linear RGB → linear RGB. */
export const CVD_MATRICES: Readonly<Record<Exclude<Vision, 'normal'>, Matrix3>> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

/** How an sRGB colour looks to a dichromat (sRGB in, sRGB out). */
export function simulate(rgb: Rgb, vision: Vision): Rgb {
  if (vision === 'normal') return rgb;
  return fromLinear(mul(CVD_MATRICES[vision], toLinear(rgb)));
}

/** ΔE00 of two hex colours as seen with `vision`. */
export function deltaE(hexA: string, hexB: string, vision: Vision = 'normal'): number {
  return ciede2000(
    rgbToLab(simulate(parseHex(hexA), vision)),
    rgbToLab(simulate(parseHex(hexB), vision)),
  );
}

/** WCAG 2 relative luminance of a hex colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = toLinear(parseHex(hex));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two hex colours, 1..21. */
export function contrastRatio(hexA: string, hexB: string): number {
  const a = relativeLuminance(hexA);
  const b = relativeLuminance(hexB);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The smallest ΔE00 between any two of `colours` with `vision`, and which pair it is. */
export function minPairDeltaE(
  colours: readonly string[],
  vision: Vision = 'normal',
): { min: number; a: number; b: number } {
  let best = { min: Infinity, a: -1, b: -1 };
  for (let i = 0; i < colours.length; i++)
    for (let j = i + 1; j < colours.length; j++) {
      const d = deltaE(colours[i], colours[j], vision);
      if (d < best.min) best = { min: d, a: i, b: j };
    }
  return best;
}
