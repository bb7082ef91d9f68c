import { LENS_NAMES, type LensName } from '@agelab/protocol';

/** The lenses a map can show: the server's five, and "difference" (computed here from two runs' residency). */
export type ViewLens = LensName | 'difference';
export const VIEW_LENSES: readonly ViewLens[] = [...LENS_NAMES, 'difference'];

/**
 * Everything a URL carries. `descriptor` rebuilds the run on any server (scenario, policies,
 * seed, knob log); `run` joins a live run when it still exists; `time`, `lens` and `zoom` put
 * the view where it was. The control token is never in a URL.
 */
export interface UrlState {
  run?: string;
  descriptor?: string;
  time?: number;
  lens?: ViewLens;
  /** Guest frames [from, to) shown by the maps. */
  zoom?: [number, number];
}

export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const out: UrlState = {};
  const run = q.get('run');
  if (run && /^[A-Za-z0-9_-]{1,100}$/.test(run)) out.run = run;
  const d = q.get('d');
  if (d) out.descriptor = d;
  const t = Number(q.get('t'));
  if (q.has('t') && Number.isFinite(t) && t >= 0) out.time = t;
  const lens = q.get('lens');
  if (lens && (VIEW_LENSES as readonly string[]).includes(lens)) out.lens = lens as ViewLens;
  const z = /^(\d+)-(\d+)$/.exec(q.get('z') ?? '');
  if (z) {
    const from = Number(z[1]);
    const to = Number(z[2]);
    if (to > from) out.zoom = [from, to];
  }
  return out;
}

/** The query string for a state (keys in a fixed order, so equal states give equal URLs). */
export function formatUrlState(s: UrlState): string {
  const q = new URLSearchParams();
  if (s.run) q.set('run', s.run);
  if (s.descriptor) q.set('d', s.descriptor);
  if (s.time !== undefined) q.set('t', String(Math.round(s.time * 1000) / 1000));
  if (s.lens && s.lens !== 'residency') q.set('lens', s.lens);
  if (s.zoom) q.set('z', `${s.zoom[0]}-${s.zoom[1]}`);
  const text = q.toString();
  return text ? `?${text}` : '';
}
