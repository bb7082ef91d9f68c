import type { Knob } from '@agelab/protocol';
import { ApiError, type CreateRun, type ScenarioJson } from './api.ts';
import { DEFAULT_POLICIES, openNewRun, send } from './connection.ts';
import { pushError, useClock, useConn, useSetup, useUi } from './store.ts';
import { lensInfo } from './map/lens.ts';
import { currentPath } from './sync.ts';

/** What the controls and the keyboard do; every change to the run goes through the socket. */

export const SPEEDS = [0.1, 0.5, 1, 2, 5, 10, 20, 50, 100];

export const togglePlay = (): void => {
  const { run } = useConn.getState();
  if (run?.playing) send({ type: 'pause' });
  else send({ type: 'play' });
};
export const stepRef = (): boolean => send({ type: 'step', refs: 1 });
export const stepSecond = (): boolean => send({ type: 'step', seconds: 1 });
export const stepReclaim = (): boolean => send({ type: 'step', until: 'reclaim' });
export const reset = (): boolean => send({ type: 'reset' });
export const setSpeed = (value: number): boolean => send({ type: 'speed', value });
export const seekTo = (time: number): boolean => send({ type: 'seek', time: Math.max(0, time) });
export const seekBy = (dt: number): boolean => seekTo(useClock.getState().time + dt);
export const setKnob = (name: Knob, value: number): boolean => send({ type: 'knob', name, value });

/** The run this page would create for a changed top bar (scenario, policies or seed). */
export async function rebuild(change: {
  preset?: string;
  scenario?: ScenarioJson;
  policies?: string[];
  seed?: number;
}): Promise<void> {
  const setup = useSetup.getState();
  const conn = useConn.getState();
  const policies =
    change.policies ?? (setup.chosenPolicies.length ? setup.chosenPolicies : DEFAULT_POLICIES);
  const seed = change.seed ?? setup.seed;
  const body: CreateRun = { policies, seed };
  if (change.scenario) body.scenario = change.scenario;
  else if (change.preset) body.preset = change.preset;
  else if (setup.preset) body.preset = setup.preset;
  else if (conn.scenario) body.scenario = conn.scenario;
  else body.preset = 'classic';
  // the policy boxes say what was asked at once (a checkbox that waits for the new run reads as
  // a click that did nothing), and go back if the run cannot be made
  if (change.policies) useSetup.setState({ chosenPolicies: policies });
  try {
    await openNewRun(body);
    useSetup.setState({
      chosenPolicies: policies,
      seed,
      preset: body.preset ?? null,
      issues: [],
      issueMessage: null,
      draft: null,
    });
    useUi.setState({ editorOpen: false });
  } catch (e) {
    if (change.policies) useSetup.setState({ chosenPolicies: setup.chosenPolicies });
    if (e instanceof ApiError && body.scenario) {
      useSetup.setState({ issues: e.issues, issueMessage: e.message });
      useUi.setState({ editorOpen: true });
    } else pushError(`could not create the run: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Ask a driver whether the class follows; a viewer forks straight away. */
export function fork(): void {
  if (useConn.getState().role === 'driver') useUi.setState({ forkAsk: true });
  else send({ type: 'fork' });
}

export async function copyLink(): Promise<boolean> {
  // the view as it is now: the address bar may lag by up to a second while playing
  const link = `${location.origin}${currentPath()}`;
  try {
    await navigator.clipboard.writeText(link);
    return true;
  } catch {
    window.prompt('Copy this link', link);
    return false;
  }
}

function download(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

export function exportCsv(): void {
  const id = useConn.getState().runId;
  if (id) download(`/api/runs/${encodeURIComponent(id)}/history.csv`, `agelab-${id}.csv`);
}

/** The current map view as a PNG: every column's map side by side, with its policy and lens. */
export function exportPng(): void {
  const maps = [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-map-static]')];
  if (!maps.length) return;
  const pad = 12;
  const head = 40;
  const w = maps.reduce((s, c) => s + c.width + pad, pad);
  const h = Math.max(...maps.map((c) => c.height)) + head + pad;
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#14161b';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#dde1e8';
  ctx.font = '14px system-ui, sans-serif';
  const t = useClock.getState().time;
  const lens = lensInfo(useUi.getState().lens).title;
  let x = pad;
  for (const c of maps) {
    ctx.fillText(`${c.dataset.policy ?? ''} · ${lens} · t = ${t.toFixed(2)} s`, x, 24);
    ctx.drawImage(c, x, head);
    x += c.width + pad;
  }
  download(out.toDataURL('image/png'), `agelab-map-${t.toFixed(1)}s.png`);
}
