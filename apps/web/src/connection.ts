import {
  FRAME,
  ProtocolError,
  decodeFrame,
  parseServerMessage,
  welcomeProtocolOk,
  type ClientMessage,
  type Frame,
  type ServerMessage,
  type WelcomeMsg,
} from '@agelab/protocol';
import {
  ApiError,
  createRun,
  getPolicies,
  getPresets,
  getRun,
  type CreateRun,
  type CreatedRun,
} from './api.ts';
import {
  applyHistoryFrame,
  applySeriesFrame,
  createHistoryBuffer,
  createSeriesBuffer,
} from './charts/series.ts';
import { applyCells } from './map/cells.ts';
import { eventsOnWelcome, onEventsFrame } from './events/store.ts';
import {
  pushError,
  useCells,
  useClock,
  useConn,
  useCounters,
  useHistory,
  useSeries,
  useSetup,
  useUi,
} from './store.ts';
import { parseUrlState } from './url-state.ts';
import { setBookmarks } from './bookmarks/bookmarks.ts';
import { onLessonState } from './lesson/lesson.ts';

/**
 * The one socket of the page (protocol v2). It joins a run, authenticates with the control
 * token when this tab holds it (sent as the first message, never in the URL), feeds every
 * store, and when the socket closes it retries with backoff; a run the server no longer knows
 * (a restart) is rebuilt from its descriptor and sought to where it was.
 */

export const DEFAULT_POLICIES = ['always-old', 'unmap-emulation'];
const tokenKey = (id: string): string => `agelab.token.${id}`;

let socket: WebSocket | null = null;
let token: string | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let nextId = 1;
let lastKeyframeAsk = 0;
/** The speed a new run starts at: 5× at first (60 s of classic in 12 s), then the last one chosen. */
let preferredSpeed = 5;
/** A run this tab just created: set its speed once it drives. */
let freshRun: string | null = null;

/** Send a message on the socket; false when it is not open. */
export function send(msg: ClientMessage): boolean {
  if (socket?.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify({ ...msg, id: msg.id ?? nextId++ }));
  return true;
}

export const isDriver = (): boolean => useConn.getState().role === 'driver';

/** Start from the URL: join ?run=ID if it lives, else rebuild ?d=descriptor, else the classic comparison. */
export async function start(): Promise<void> {
  const url = parseUrlState(location.search);
  useUi.setState({
    lens: url.lens ?? 'residency',
    zoom: url.zoom ?? null,
    pendingSeek: url.time && url.time > 0 ? url.time : null,
  });
  void loadCatalogue();
  try {
    if (url.run) {
      try {
        const info = await getRun(url.run);
        useConn.setState({ scenario: info.scenario, seed: info.seed });
        useSetup.setState({
          chosenPolicies: info.policies,
          seed: info.seed,
          preset: info.preset ?? null,
        });
        join(url.run, sessionStorage.getItem(tokenKey(url.run)));
        // a live run is where it is: only a driver puts it at the URL's time
        if (!sessionStorage.getItem(tokenKey(url.run))) useUi.setState({ pendingSeek: null });
        return;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404) || !url.descriptor) throw e;
      }
    }
    if (url.descriptor) {
      await openNewRun({ descriptor: url.descriptor });
      return;
    }
    await openNewRun({ preset: 'classic', policies: DEFAULT_POLICIES, seed: 1 });
  } catch (e) {
    useConn.setState({ status: 'failed' });
    pushError(`could not start a run: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function loadCatalogue(): Promise<void> {
  try {
    const [presets, policies] = await Promise.all([getPresets(), getPolicies()]);
    useSetup.setState({ presets, policies });
  } catch (e) {
    pushError(`could not load presets and policies: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Create a run and join it as its driver. Throws ApiError (with field issues) when refused. */
export async function openNewRun(body: CreateRun, keepTime = false): Promise<CreatedRun> {
  const created = await createRun(body);
  if (!keepTime) useUi.setState((s) => ({ pendingSeek: body.descriptor ? s.pendingSeek : null }));
  adopt(created);
  return created;
}

function adopt(created: CreatedRun): void {
  sessionStorage.setItem(tokenKey(created.id), created.token);
  freshRun = created.id;
  useConn.setState({ descriptor: created.descriptor ?? null });
  join(created.id, created.token);
  void refreshInfo(created.id);
}

/** Open a fork (a new run with its own token) in this tab. */
export function adoptFork(runId: string, forkToken: string): void {
  adopt({ id: runId, token: forkToken, policies: [], stream: '' });
}

let infoTimer: ReturnType<typeof setTimeout> | null = null;
/** The run's scenario and its fresh descriptor (after knob changes), from GET /api/runs/:id. */
async function refreshInfo(id: string): Promise<void> {
  try {
    const info = await getRun(id);
    if (useConn.getState().runId !== id) return;
    useConn.setState({
      scenario: info.scenario,
      seed: info.seed,
      ...(info.descriptor ? { descriptor: info.descriptor } : {}),
    });
    useSetup.setState({ chosenPolicies: info.policies, seed: info.seed });
    if (info.preset !== undefined) useSetup.setState({ preset: info.preset });
  } catch {
    /* the stream's welcome still tells the essentials */
  }
}

function join(id: string, runToken: string | null): void {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  token = runToken;
  const old = socket;
  socket = null;
  old?.close();
  useConn.setState({ status: 'connecting', runId: id, role: 'viewer' });
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/api/runs/${encodeURIComponent(id)}/stream`);
  ws.binaryType = 'arraybuffer';
  socket = ws;
  ws.onopen = () => {
    if (socket === ws && token) ws.send(JSON.stringify({ type: 'auth', token, id: nextId++ }));
  };
  ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
    if (socket !== ws) return;
    try {
      if (typeof e.data === 'string') onMessage(parseServerMessage(e.data));
      else onFrame(decodeFrame(e.data));
    } catch (err) {
      if (err instanceof ProtocolError || err instanceof SyntaxError)
        pushError(`bad data from the server: ${err.message}`);
      else throw err;
    }
  };
  ws.onclose = (e) => {
    if (socket !== ws) return;
    socket = null;
    if (e.code >= 4000 && e.reason) pushError(`the server closed the stream: ${e.reason}`);
    scheduleReconnect(id);
  };
}

/** Backoff: 0.5 s, 1 s, 2 s, 4 s, then every 5 s. */
export const backoffMs = (attempt: number): number => Math.min(5000, 500 * 2 ** attempt);

function scheduleReconnect(id: string): void {
  const { attempt } = useConn.getState();
  const delay = backoffMs(attempt);
  useConn.setState({
    status: 'reconnecting',
    role: 'viewer',
    attempt: attempt + 1,
    retryAt: Date.now() + delay,
  });
  useClock.setState({ playing: false, speedReached: 0 });
  retryTimer = setTimeout(() => void reconnect(id), delay);
}

async function reconnect(id: string): Promise<void> {
  retryTimer = null;
  if (useConn.getState().runId !== id) return;
  try {
    await getRun(id);
    join(id, token);
  } catch (e) {
    const { descriptor } = useConn.getState();
    if (e instanceof ApiError && e.status === 404 && descriptor) {
      // the server restarted (or the run expired): rebuild it and go back to where it was
      const t = useClock.getState().time;
      useUi.setState({ pendingSeek: t > 0 ? t : null });
      try {
        await openNewRun({ descriptor }, true);
        return;
      } catch {
        /* fall through to another attempt */
      }
    }
    scheduleReconnect(id);
  }
}

function onWelcome(m: WelcomeMsg): void {
  if (!welcomeProtocolOk(m)) pushError(`the server speaks protocol ${m.protocol}; reload the page`);
  const n = m.policies.length;
  const width = m.counterNames.length + m.derivedNames.length;
  useCounters.setState({
    values: m.policies.map(() => new Float64Array(width).fill(NaN)),
    version: 0,
  });
  useSeries.setState({
    runs: m.policies.map(() => createSeriesBuffer(m.series.length)),
    version: 0,
  });
  useHistory.setState({
    runs: m.policies.map(() =>
      createHistoryBuffer(m.mapHistory.buckets, m.mapHistory.classes.length),
    ),
    version: 0,
  });
  useCells.setState({ runs: new Array(n).fill(null), viewport: 0, reply: null, version: 0 });
  useClock.setState({
    time: m.state.time,
    refIndex: m.state.refIndex,
    playing: m.state.playing,
    speedAsked: m.state.playing ? m.state.speed : 0,
    speedReached: 0,
  });
  useConn.setState({
    status: 'open',
    attempt: 0,
    retryAt: null,
    welcome: m,
    run: m.state,
    role: m.role,
    descriptor: m.descriptor || useConn.getState().descriptor,
  });
  send(eventsOnWelcome(m));
  setBookmarks(m.bookmarks ?? []);
  void onLessonState(m.lesson ?? null);
  if (m.role === 'driver') onDriver();
}

/** The driver forked and the class follows: watch the fork (as a viewer) in this tab. */
export function followRun(runId: string): void {
  useConn.setState({ descriptor: null });
  useUi.setState({ pendingSeek: null });
  join(runId, null);
  void refreshInfo(runId);
}

/** Once this tab drives: go to the time the URL (or the run before a restart) asked for. */
function onDriver(): void {
  const { runId, run } = useConn.getState();
  if (freshRun && freshRun === runId) {
    freshRun = null;
    if (run && run.speed !== preferredSpeed) send({ type: 'speed', value: preferredSpeed });
  }
  const t = useUi.getState().pendingSeek;
  if (t !== null) {
    useUi.setState({ pendingSeek: null });
    send({ type: 'seek', time: t });
  }
}

function onMessage(m: ServerMessage): void {
  switch (m.type) {
    case 'welcome':
      onWelcome(m);
      break;
    case 'state': {
      const prev = useConn.getState().run;
      useConn.setState({ run: m.state });
      if (useConn.getState().role === 'driver') preferredSpeed = m.state.speed;
      useClock.setState(
        m.state.playing
          ? { playing: true, speedAsked: m.state.speed }
          : { playing: false, time: m.state.time, refIndex: m.state.refIndex, speedAsked: 0 },
      );
      if (prev && prev.knobLog.length !== m.state.knobLog.length) {
        const id = useConn.getState().runId;
        if (infoTimer) clearTimeout(infoTimer);
        if (id) infoTimer = setTimeout(() => void refreshInfo(id), 200);
      }
      break;
    }
    case 'role':
      useConn.setState({ role: m.role });
      if (m.role === 'driver') onDriver();
      break;
    case 'ack':
      if (m.of === 'auth' && useConn.getState().role !== 'driver') {
        useConn.setState({ role: 'driver' });
        onDriver();
      }
      break;
    case 'forked':
      adoptFork(m.runId, m.token);
      break;
    case 'follow':
      followRun(m.runId);
      break;
    case 'bookmarks':
      setBookmarks(m.bookmarks);
      break;
    case 'lesson':
      void onLessonState(m.state);
      break;
    case 'viewport':
      useCells.setState({ viewport: m.viewport, reply: m });
      break;
    case 'error':
      if (m.code === 'bad_token' || m.code === 'forbidden') useConn.setState({ role: 'viewer' });
      pushError(`${m.code}: ${m.message}`);
      break;
  }
}

function onFrame(f: Frame): void {
  switch (f.type) {
    case FRAME.COUNTERS: {
      const s = useCounters.getState();
      const v = s.values[f.runIndex];
      if (!v) return;
      if (v.length === f.values.length) v.set(f.values);
      else s.values[f.runIndex] = f.values;
      useCounters.setState({ version: s.version + 1 });
      if (f.runIndex === 0)
        useClock.setState({
          time: f.time,
          refIndex: f.refIndex,
          playing: f.playing,
          speedAsked: f.speedAsked,
          speedReached: f.speedReached,
        });
      break;
    }
    case FRAME.SERIES: {
      const s = useSeries.getState();
      const b = s.runs[f.runIndex];
      if (!b) return;
      const rate = useConn.getState().welcome?.rate ?? 1;
      if (f.width !== b.width) return;
      applySeriesFrame(b, f, rate);
      useSeries.setState({ version: s.version + 1 });
      break;
    }
    case FRAME.MAP_HISTORY: {
      const s = useHistory.getState();
      const b = s.runs[f.runIndex];
      if (!b) return;
      if (f.buckets !== b.buckets || f.classes !== b.classes) return;
      applyHistoryFrame(b, f, useConn.getState().welcome?.rate ?? 1);
      useHistory.setState({ version: s.version + 1 });
      break;
    }
    case FRAME.CELLS: {
      const s = useCells.getState();
      if (f.runIndex >= s.runs.length) return;
      const { buf, result } = applyCells(s.runs[f.runIndex], f, s.viewport);
      if (result === 'old') return;
      if (result === 'stale') {
        // a delta without its keyframe (a gap): ask for a fresh keyframe
        if (f.viewport >= s.viewport && Date.now() - lastKeyframeAsk > 1000) {
          lastKeyframeAsk = Date.now();
          send({ type: 'keyframe' });
        }
        return;
      }
      s.runs[f.runIndex] = buf;
      useCells.setState({ version: s.version + 1 });
      break;
    }
    case FRAME.EVENTS:
      onEventsFrame(f);
      break;
  }
}
