import { create } from 'zustand';
import {
  HISTORY_CLASSES,
  type Role,
  type RunState,
  type WelcomeMsg,
  type ViewportReply,
} from '@agelab/protocol';
import type { FieldIssue, PolicyInfo, PresetInfo, ScenarioJson } from './api.ts';
import type { CellBuffer } from './map/cells.ts';
import type { HistoryBuffer, SeriesBuffer } from './charts/series.ts';
import type { ViewLens } from './url-state.ts';

/**
 * Every piece of app state, in zustand stores fed by the socket (connection.ts) and by the
 * controls. Components subscribe to slices; nobody keeps state of the run elsewhere. Large data
 * (cells, series, history, counters) are typed arrays mutated in place; each store has a
 * `version` that changes when they do, so a view subscribes to the number and redraws.
 */

export type ConnStatus =
  | 'starting' // fetching the catalogue, creating or finding the run
  | 'connecting'
  | 'open'
  | 'reconnecting' // the socket closed; retrying with backoff
  | 'failed'; // could not create or find a run (message in errors)

export interface ConnState {
  status: ConnStatus;
  /** Reconnect attempts since the socket was last open. */
  attempt: number;
  /** Wall time (ms) of the next reconnect attempt while reconnecting. */
  retryAt: number | null;
  runId: string | null;
  role: Role;
  welcome: WelcomeMsg | null;
  run: RunState | null;
  descriptor: string | null;
  /** The run's scenario (GET /api/runs/:id), for the knobs' starting values. */
  scenario: ScenarioJson | null;
  seed: number;
  errors: string[];
}
export const useConn = create<ConnState>(() => ({
  status: 'starting',
  attempt: 0,
  retryAt: null,
  runId: null,
  role: 'viewer',
  welcome: null,
  run: null,
  descriptor: null,
  scenario: null,
  seed: 1,
  errors: [],
}));

export function pushError(message: string): void {
  useConn.setState((s) => ({ errors: [...s.errors.slice(-3), message] }));
}
export const clearErrors = (): void => useConn.setState({ errors: [] });

/** The clock, from COUNTERS frames of run 0 (and state messages). */
export interface ClockState {
  time: number;
  refIndex: number;
  playing: boolean;
  speedAsked: number;
  speedReached: number;
}
/** The run is not playing: paced readouts then show the exact clock at once (throttle.ts). */
export const clockStopped = (s: ClockState): boolean => !s.playing;

export const useClock = create<ClockState>(() => ({
  time: 0,
  refIndex: 0,
  playing: false,
  speedAsked: 0,
  speedReached: 0,
}));

/** Latest counter vector per run: `counterNames`, then `derivedNames`. */
export interface CountersState {
  values: Float64Array[];
  version: number;
}
export const useCounters = create<CountersState>(() => ({ values: [], version: 0 }));

export interface SeriesState {
  runs: SeriesBuffer[];
  version: number;
}
export const useSeries = create<SeriesState>(() => ({ runs: [], version: 0 }));

export interface HistoryState {
  runs: HistoryBuffer[];
  version: number;
}
export const useHistory = create<HistoryState>(() => ({ runs: [], version: 0 }));

/** Map cells per run, and the latest viewport the server acknowledged. */
export interface CellsState {
  runs: (CellBuffer | null)[];
  /** The server's number of the latest viewport reply: older frames are dropped. */
  viewport: number;
  reply: ViewportReply | null;
  version: number;
}
export const useCells = create<CellsState>(() => ({
  runs: [],
  viewport: 0,
  reply: null,
  version: 0,
}));

/** The view: lens, zoom, hover, map size, dialogs. Shared by every column (linked views). */
export interface UiState {
  lens: ViewLens;
  /** Guest frames [from, to) every map shows; null = the whole guest. */
  zoom: [number, number] | null;
  /** The cell index under the pointer (the same cell in every column), or null. */
  hover: number | null;
  /** CSS size of one map's drawing area. */
  mapSize: { w: number; h: number };
  /** The class the address × time heatmap shows (HISTORY_CLASSES index). */
  heatClass: number;
  helpOpen: boolean;
  /** A driver's fork waiting for the answer "should the class follow?". */
  forkAsk: boolean;
  editorOpen: boolean;
  /** A time the URL asked for, sought once the run is joined. */
  pendingSeek: number | null;
  /** The time window brushed on the charts [t0, t1] s (null: all time); filters the event log. */
  brush: [number, number] | null;
  /** The guest frame picked by a click on a map cell or a log row (the page inspector shows it). */
  selectedGfn: number | null;
  /** Which view the page shows: the dashboard, classic replacement, or sweeps. */
  view: AppView;
}
export type AppView = 'dashboard' | 'classic' | 'sweeps';
export const useUi = create<UiState>(() => ({
  lens: 'residency',
  zoom: null,
  hover: null,
  mapSize: { w: 0, h: 0 },
  heatClass: Math.max(0, HISTORY_CLASSES.indexOf('hot_swapped')),
  helpOpen: false,
  forkAsk: false,
  editorOpen: false,
  pendingSeek: null,
  brush: null,
  selectedGfn: null,
  view: 'dashboard',
}));

/** What the top bar offers and what it picked (the catalogue from /api/presets and /api/policies). */
export interface SetupState {
  presets: PresetInfo[];
  policies: PolicyInfo[];
  /** The preset picked, or null for a scenario file. */
  preset: string | null;
  chosenPolicies: string[];
  seed: number;
  /** The scenario file being edited, and the server's issues with it. */
  draft: ScenarioJson | null;
  issues: FieldIssue[];
  issueMessage: string | null;
}
export const useSetup = create<SetupState>(() => ({
  presets: [],
  policies: [],
  preset: 'classic',
  chosenPolicies: ['always-old', 'unmap-emulation'],
  seed: 1,
  draft: null,
  issues: [],
  issueMessage: null,
}));
