import { describe, expect, it } from 'vitest';
import { DirtyPages } from './dirty-pages.ts';

describe('dirty pages', () => {
  it('start all dirty, then list each marked page once, a frame for a 2M-aligned gfn, and clear on take', () => {
    const d = new DirtyPages(100_000);
    expect(d.take().all).toBe(true);
    d.mark(7);
    d.mark(7);
    d.mark(1024); // a frame's first page: the whole frame
    d.mark(200_000); // past the guest: ignored
    const t = d.take();
    expect(t.all).toBe(false);
    const pages = [...t.pages.subarray(0, t.count)];
    expect(pages[0]).toBe(7);
    expect(pages.length).toBe(1 + 512);
    expect(new Set(pages).size).toBe(pages.length);
    expect(pages.slice(1)).toEqual(Array.from({ length: 512 }, (_, i) => 1024 + i));
    const again = d.take();
    expect(again.count).toBe(0);
    d.mark(7);
    expect([...d.take().pages.subarray(0, 1)]).toEqual([7]);
  });

  it('say "all" instead of listing past their bound, and after markAll', () => {
    const d = new DirtyPages(65_536); // bound: half the guest, 32768 pages
    d.take();
    for (let g = 1; g < 65_536; g += 1) if (g % 512) d.mark(g);
    expect(d.take()).toMatchObject({ all: true, count: 0 });
    d.mark(3);
    expect(d.take()).toMatchObject({ all: false, count: 1 });
    d.markAll();
    expect(d.take().all).toBe(true);
  });
});
