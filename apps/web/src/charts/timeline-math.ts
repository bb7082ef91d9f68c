/** DOM-free rules of the Timeline scrubber: keys to values, pointer positions to times. */

export interface SliderRange {
  min: number;
  max: number;
  /** ←/→ (and ↑/↓). */
  step: number;
  /** PageUp/PageDown, and shift+←/→. */
  pageStep: number;
}

export const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Round to the step grid from min (so repeated ←/→ land on clean times like 12.4 s). */
export function snap(v: number, r: Pick<SliderRange, 'min' | 'step'>): number {
  if (!(r.step > 0)) return v;
  const k = Math.round((v - r.min) / r.step);
  // Limit float noise: 0.1 × 3 = 0.30000000000000004.
  return +(r.min + k * r.step).toFixed(9);
}

/**
 * The value a key moves the slider to, or null when the key is not the slider's (the caller
 * then lets it through). ←/↓ and →/↑ move one step (one page with shift), PageDown/PageUp one
 * page, Home/End to the ends (WAI-ARIA APG slider pattern).
 */
export function keyToValue(
  key: string,
  value: number,
  r: SliderRange,
  shift = false,
): number | null {
  const small = shift ? r.pageStep : r.step;
  let v: number;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      v = snap(value - small, r);
      if (v >= value) v = value - small;
      break;
    case 'ArrowRight':
    case 'ArrowUp':
      v = snap(value + small, r);
      if (v <= value) v = value + small;
      break;
    case 'PageDown':
      v = value - r.pageStep;
      break;
    case 'PageUp':
      v = value + r.pageStep;
      break;
    case 'Home':
      v = r.min;
      break;
    case 'End':
      v = r.max;
      break;
    default:
      return null;
  }
  return clamp(v, r.min, r.max);
}

/** The time under a pointer at clientX over a track spanning [left, left + width). */
export function pointerToValue(
  clientX: number,
  left: number,
  width: number,
  min: number,
  max: number,
): number {
  if (!(width > 0) || !(max > min)) return min;
  return clamp(min + ((clientX - left) / width) * (max - min), min, max);
}

/** Position of a value on the track, 0..100 (%). */
export function valueToPercent(v: number, min: number, max: number): number {
  if (!(max > min)) return 0;
  return clamp(((v - min) / (max - min)) * 100, 0, 100);
}

/** A page step of about a tenth of the range, rounded to a clean number of seconds. */
export function defaultPageStep(min: number, max: number, step: number): number {
  const tenth = (max - min) / 10;
  if (!(tenth > step)) return step * 10;
  const p = 10 ** Math.floor(Math.log10(tenth));
  const m = tenth / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}
