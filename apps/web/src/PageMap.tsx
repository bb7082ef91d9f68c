import { useEffect, useRef } from 'react';
import { useLab } from './store.ts';
import { STATES, stateOf } from './page-colors.ts';

const SIDE = 256;

/**
 * The guest's pages as a raster, one pixel per page in rows of 256 (a 256 MB guest fills
 * 256×256). When several pages fall in one pixel (guests over 64K pages), the pixel shows the
 * most alarming state among them, so a single hot page swapped out is never averaged away.
 * Redrawn at most once per animation frame, in one loop and one putImageData.
 */
export function PageMap({ run }: { run: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const version = useLab((s) => s.pagesVersion);
  const pages = useLab((s) => s.pages[run]);

  useEffect(() => {
    const id = requestAnimationFrame(() => {
      const c = canvas.current;
      const ctx = c?.getContext('2d');
      if (!c || !ctx || !pages) return;
      const per = Math.max(1, Math.ceil(pages.length / (SIDE * SIDE)));
      const pixels = Math.ceil(pages.length / per);
      const rows = Math.max(1, Math.ceil(pixels / SIDE));
      if (c.height !== rows) c.height = rows;
      const img = ctx.createImageData(SIDE, rows);
      for (let p = 0; p < pixels; p++) {
        let worst = STATES.length - 1;
        const end = Math.min(pages.length, (p + 1) * per);
        for (let g = p * per; g < end; g++) worst = Math.min(worst, stateOf(pages[g]));
        const rgb = STATES[worst].rgb;
        img.data[p * 4] = rgb[0];
        img.data[p * 4 + 1] = rgb[1];
        img.data[p * 4 + 2] = rgb[2];
        img.data[p * 4 + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    });
    return () => cancelAnimationFrame(id);
  }, [version, pages]);

  return (
    <canvas
      ref={canvas}
      className="pagemap"
      width={SIDE}
      height={SIDE}
      data-testid={`pagemap-${run}`}
    />
  );
}

export function Legend() {
  return (
    <ul className="legend">
      {STATES.map((s) => (
        <li key={s.key}>
          <span className="swatch" style={{ background: `rgb(${s.rgb.join(',')})` }} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}
