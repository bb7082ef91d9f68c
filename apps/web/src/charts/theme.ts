/**
 * CSS custom properties for the charts, from the palette (one source of colour): set on each
 * chart's root element, read by charts.css.
 */
import type { CSSProperties } from 'react';
import { PAGE } from '../palette';

export const chartVars = {
  '--agl-bg': PAGE.background,
  '--agl-panel': PAGE.panel,
  '--agl-text': PAGE.text,
  '--agl-muted': PAGE.muted,
  '--agl-axis': PAGE.axis,
  '--agl-grid': PAGE.grid,
  '--agl-focus': PAGE.focus,
} as CSSProperties;

/** Hides text visually but keeps it for screen readers (the usual clip pattern). */
export const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/** An id usable in SVG url(#…) references (React's useId may contain colons or «»). */
export const svgId = (reactId: string, suffix: string): string =>
  `agl${reactId.replace(/[^a-zA-Z0-9_-]/g, '')}-${suffix}`;
