import { describe, expect, it } from 'vitest';
import { defaultPageStep, keyToValue, pointerToValue, snap, valueToPercent } from './timeline-math';

const r = { min: 0, max: 60, step: 0.1, pageStep: 5 };

describe('timeline keys (WAI-ARIA slider pattern)', () => {
  it('moves one step with ←/→ and ↓/↑, landing on the step grid', () => {
    expect(keyToValue('ArrowRight', 12.3, r)).toBe(12.4);
    expect(keyToValue('ArrowUp', 12.3, r)).toBe(12.4);
    expect(keyToValue('ArrowLeft', 12.3, r)).toBe(12.2);
    expect(keyToValue('ArrowDown', 12.37, r)).toBe(12.3);
    expect(keyToValue('ArrowRight', 0.2, r)).toBe(0.3);
  });
  it('moves a page with PageUp/PageDown and with shift+arrows', () => {
    expect(keyToValue('PageUp', 12.4, r)).toBe(17.4);
    expect(keyToValue('PageDown', 12.4, r)).toBeCloseTo(7.4, 9);
    expect(keyToValue('ArrowRight', 12, r, true)).toBe(17);
  });
  it('jumps to the ends with Home/End and clamps at them', () => {
    expect(keyToValue('Home', 12.4, r)).toBe(0);
    expect(keyToValue('End', 12.4, r)).toBe(60);
    expect(keyToValue('ArrowRight', 60, r)).toBe(60);
    expect(keyToValue('PageDown', 2, r)).toBe(0);
  });
  it('ignores other keys', () => {
    expect(keyToValue('a', 1, r)).toBeNull();
    expect(keyToValue(' ', 1, r)).toBeNull();
  });
  it('snaps without float noise', () => {
    expect(snap(0.30000000000000004, r)).toBe(0.3);
    expect(snap(5, { min: 0, step: 0 })).toBe(5);
  });
});

describe('timeline pointer', () => {
  it('maps a pointer position over the track to a time, clamped', () => {
    expect(pointerToValue(150, 100, 200, 0, 60)).toBe(15);
    expect(pointerToValue(0, 100, 200, 0, 60)).toBe(0);
    expect(pointerToValue(999, 100, 200, 0, 60)).toBe(60);
    expect(pointerToValue(150, 100, 0, 0, 60)).toBe(0);
  });
  it('places values on the track in percent', () => {
    expect(valueToPercent(15, 0, 60)).toBe(25);
    expect(valueToPercent(-1, 0, 60)).toBe(0);
    expect(valueToPercent(5, 5, 5)).toBe(0);
  });
  it('picks a clean page step of about a tenth of the range', () => {
    expect(defaultPageStep(0, 60, 0.1)).toBe(5);
    expect(defaultPageStep(0, 300, 0.1)).toBe(20);
    expect(defaultPageStep(0, 0.5, 0.1)).toBe(1);
  });
});
