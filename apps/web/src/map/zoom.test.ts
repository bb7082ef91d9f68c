import { zoomIdentity } from 'd3-zoom';
import { describe, expect, it } from 'vitest';
import { domainOf, mapHeightFor } from './MemoryMap.tsx';

describe('the map zoom', () => {
  const G = 65536;
  const h = 300;

  it('shows the whole guest at the identity transform', () => {
    expect(domainOf(zoomIdentity, G, h)).toEqual([0, G]);
  });

  it('maps a transform to the guest frames on screen, and back (the URL and linked columns use this)', () => {
    const [a, b] = [16384, 32768];
    const k = G / (b - a);
    const t = zoomIdentity.translate(0, (-a * k * h) / G).scale(k);
    expect(domainOf(t, G, h)).toEqual([a, b]);
  });

  it('never leaves the guest', () => {
    const t = zoomIdentity.translate(0, 500).scale(4);
    const [a, b] = domainOf(t, G, h);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThanOrEqual(G);
    expect(b).toBeGreaterThan(a);
  });

  it('keeps maps half as tall as wide, within bounds', () => {
    expect(mapHeightFor(600)).toBe(300);
    expect(mapHeightFor(100)).toBe(150);
    expect(mapHeightFor(2000)).toBe(420);
  });
});
