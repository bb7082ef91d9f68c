import { LENS_NAMES, type LensName } from './lenses.ts';
import { PROTOCOL_VERSION, ProtocolError, type ErrorCode } from './version.ts';

/** The knobs a driver may turn while a run plays (sim-core's KNOB_NAMES, repeated to keep this package pure). */
export const KNOBS = [
  'limitMiB',
  'hotMiB',
  'thp',
  'khugepagedPagesToScan',
  'khugepagedScanSleepMs',
] as const;
export type Knob = (typeof KNOBS)[number];

export interface KnobChange {
  /** Reference index at which it applies. */
  at: number;
  knob: Knob;
  value: number;
}

// ---- viewer → server (JSON text frames). `id`, when given, is echoed in the ack or error. ----

interface Req {
  id?: number;
}
/** Become the driver of this connection's run. */
export interface AuthMsg extends Req {
  type: 'auth';
  token: string;
}
export interface PlayMsg extends Req {
  type: 'play';
  /** Simulated seconds per wall second; keeps the current speed when absent. */
  speed?: number;
}
export interface PauseMsg extends Req {
  type: 'pause';
}
/** Exactly one of refs, seconds, until; none means one reference. */
export interface StepMsg extends Req {
  type: 'step';
  refs?: number;
  seconds?: number;
  until?: 'reclaim';
}
export interface SpeedMsg extends Req {
  type: 'speed';
  value: number;
}
export interface ResetMsg extends Req {
  type: 'reset';
}
/** Exactly one of refIndex, time (simulated seconds); earlier or later than now. */
export interface SeekMsg extends Req {
  type: 'seek';
  refIndex?: number;
  time?: number;
}
export interface KnobMsg extends Req {
  type: 'knob';
  name: Knob;
  value: number;
}
/**
 * Take a copy of the run at its current time as a new run with its own token (any viewer).
 * `follow: true` (the driver only): every other viewer of this run is moved into the fork, as a
 * viewer (each gets a `follow` message), and the fork starts at the class's lesson step.
 */
export interface ForkMsg extends Req {
  type: 'fork';
  follow?: boolean;
}
/**
 * The driver takes the class to another run it drives (a lesson that needs another scenario):
 * every other viewer of this run gets a `follow` message for `runId`. `token` is that run's
 * control token, so a class can only be led into a run its driver controls.
 */
export interface LeadMsg extends Req {
  type: 'lead';
  runId: string;
  token: string;
}
/** Ask for fresh keyframes of my viewports (after a gap the viewer noticed in `seq`). */
export interface KeyframeMsg extends Req {
  type: 'keyframe';
}
/**
 * Watch guest frames [from, to) of run `run` (every run when absent) as `cells` cells of `lens`.
 * The reply is a `viewport` message with the number CELLS frames for it carry; after it, no
 * frame of an earlier viewport of that run is sent. A viewer with no viewport gets no CELLS.
 */
export interface ViewportMsg extends Req {
  type: 'viewport';
  run?: number;
  from: number;
  to: number;
  cells: number;
  lens: LensName;
}
/**
 * The teacher moves the class through a lesson (`/api/lessons`): every viewer of the run is told
 * the lesson and step, and applies the step's lens on its own screen. `lesson: null` ends it.
 */
export interface LessonMsg extends Req {
  type: 'lesson';
  lesson: string | null;
  step: number;
}
/**
 * Subscribe to events: the kinds by name (`welcome.eventNames`; none = unsubscribe), optionally
 * only those of guest frames [from, to), at most `maxPerSecond` records per run while playing.
 */
export interface EventsMsg extends Req {
  type: 'events';
  kinds: string[];
  from?: number;
  to?: number;
  maxPerSecond?: number;
}
export type ClientMessage =
  | AuthMsg
  | PlayMsg
  | PauseMsg
  | StepMsg
  | SpeedMsg
  | ResetMsg
  | SeekMsg
  | KnobMsg
  | ForkMsg
  | LeadMsg
  | KeyframeMsg
  | ViewportMsg
  | EventsMsg
  | LessonMsg;
export type ClientType = ClientMessage['type'];

/** Messages that change the run: only the driver (holder of the token) may send them. */
export const DRIVER_ONLY: ReadonlySet<ClientType> = new Set([
  'play',
  'pause',
  'step',
  'speed',
  'reset',
  'seek',
  'knob',
  'lesson',
  'lead',
]);

// ---- server → viewer (JSON text frames) ----

export type Role = 'driver' | 'viewer';

export interface RunState {
  playing: boolean;
  /** Simulated seconds per wall second while playing. */
  speed: number;
  refIndex: number;
  /** Simulated seconds. */
  time: number;
  /** Reference index a step or forward seek is heading to, null when none. */
  goal: number | null;
  /** Playing, stepping or seeking: the run is moving (false once a step has ended). */
  busy: boolean;
  knobLog: KnobChange[];
  /** The run's descriptor with this knob log: a URL with it rebuilds the run on any server. */
  descriptor: string;
}

/** One time series of SERIES frames: a kernel counter as a rate, or a gauge as its level. */
export interface SeriesInfo {
  /** The counter's kernel name. */
  name: string;
  /** `rate`: per simulated second over each step; `gauge`: the level at the point. */
  kind: 'rate' | 'gauge';
  /** Unit of the values sent ("/s", "pages", "bytes"). */
  unit: string;
}

export interface WelcomeMsg {
  type: 'welcome';
  protocol: number;
  runId: string;
  role: Role;
  policies: string[];
  scenarioName: string;
  guestPages: number;
  /** References per simulated second. */
  rate: number;
  /** Scenario's nominal length in simulated seconds. */
  seconds: number;
  /** A compact, URL-safe description of the run (scenario, policies, seed, knob log) that any server can rebuild. */
  descriptor: string;
  /** Names of COUNTERS frame values in order: the kernel counters, then derived figures. */
  counterNames: string[];
  derivedNames: string[];
  /** EVENTS frame kind k is eventNames[k]. */
  eventNames: string[];
  /** EVENTS frame path p is kernelPaths[p]. */
  kernelPaths: string[];
  /** SERIES frame column j is series[j]. */
  series: SeriesInfo[];
  /** MAP_HISTORY frames: the guest in `buckets` buckets of `pagesPerBucket`, classes in order. */
  mapHistory: { buckets: number; pagesPerBucket: number; classes: string[] };
  /** Heat thresholds in simulated seconds (the heat lens's class boundaries). */
  heatSeconds: number[];
  /** Wall milliseconds within which every page's time-dependent classes are recomputed (1 s up to 2M pages). */
  timeClassRefreshMs: number;
  /** The legend's sentences about cells, as the server computes them. */
  legendNotes: Record<string, string>;
  /** Notable moments found so far (later ones come in `bookmarks` messages). */
  bookmarks: Bookmark[];
  /** The lesson the teacher has the class in, if any (later changes come in `lesson` messages). */
  lesson: LessonState | null;
  state: RunState;
  limits: {
    maxMessageBytes: number;
    maxMessagesPerSecond: number;
    /** Most cells a viewport may ask for. */
    maxCells: number;
    /** Most events per second per run a subscription may ask for while playing. */
    maxEventsPerSecond: number;
  };
}
export type BookmarkKind = 'limit_hit' | 'aging_unmap' | 'hot_swapped' | 'thp_split' | 'knob';
/** A notable moment of a run, for the timeline (found by the server from the run's counters). */
export interface Bookmark {
  kind: BookmarkKind;
  /** The run it happened in (index in `policies`); null for one that concerns all (a knob). */
  run: number | null;
  /** The first counter-history sample at which it had happened (within one sample interval after it). */
  refIndex: number;
  time: number;
  label: string;
}
/** Every bookmark found so far, in time order: on join and whenever one is found or dropped. */
export interface BookmarksMsg {
  type: 'bookmarks';
  bookmarks: Bookmark[];
}

/** Where the teacher has the class in a lesson (null: no lesson); on join (welcome) and on change. */
export interface LessonState {
  lesson: string;
  step: number;
}
export interface LessonStateMsg {
  type: 'lesson';
  state: LessonState | null;
}

/** The answer to a viewport message: CELLS frames for it carry `viewport`. */
export interface ViewportReply {
  type: 'viewport';
  id?: number;
  viewport: number;
  run: number | null;
  from: number;
  to: number;
  /** Cells actually sent: the asked count, or fewer when the range has fewer pages. */
  cells: number;
  lens: LensName;
}
export interface StateMsg {
  type: 'state';
  state: RunState;
}
export interface AckMsg {
  type: 'ack';
  id?: number;
  of: ClientType;
}
export interface RoleMsg {
  type: 'role';
  id?: number;
  role: Role;
}
export interface ForkedMsg {
  type: 'forked';
  id?: number;
  runId: string;
  token: string;
}
/** The driver forked (or led the class elsewhere) and the class follows: watch run `runId` instead (as a viewer). */
export interface FollowMsg {
  type: 'follow';
  runId: string;
}
export interface ErrorMsg {
  type: 'error';
  id?: number;
  code: ErrorCode;
  message: string;
}
export type ServerMessage =
  | WelcomeMsg
  | StateMsg
  | AckMsg
  | RoleMsg
  | ForkedMsg
  | FollowMsg
  | ErrorMsg
  | ViewportReply
  | BookmarksMsg
  | LessonStateMsg;

// ---- validation ----

const bad = (message: string): ProtocolError => new ProtocolError('bad_message', message);
type Obj = Record<string, unknown>;

function allowOnly(m: Obj, keys: readonly string[]): void {
  for (const k of Object.keys(m))
    if (!keys.includes(k))
      throw bad(`${String(m.type)}: unknown field "${k}"; allowed: ${keys.join(', ')}`);
}

function num(m: Obj, key: string, min: number, max: number, int = false): number | undefined {
  const v = m[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(`${String(m.type)}.${key}: expected a number, got ${JSON.stringify(v)}`);
  if (int && !Number.isInteger(v))
    throw bad(`${String(m.type)}.${key}: expected an integer, got ${v}`);
  if (v < min || v > max)
    throw bad(`${String(m.type)}.${key}: ${v} is out of range; allowed ${min} to ${max}`);
  return v;
}

function required<T>(v: T | undefined, m: Obj, key: string): T {
  if (v === undefined) throw bad(`${String(m.type)}.${key}: required`);
  return v;
}

function exactlyOne(m: Obj, keys: readonly string[], optional: boolean): void {
  const given = keys.filter((k) => m[k] !== undefined);
  if (given.length > 1 || (!optional && given.length === 0))
    throw bad(
      `${String(m.type)}: give exactly one of ${keys.join(', ')} (got ${given.length ? given.join(', ') : 'none'})`,
    );
}

/** Bounds that keep one message from asking for unbounded work; the server applies its own limits too. */
export const MESSAGE_BOUNDS = {
  maxSpeed: 1e6,
  maxStepRefs: 1e9,
  maxStepSeconds: 1e6,
  maxRefIndex: 1e12,
  maxKnobValue: 1 << 24,
  /** A viewport's cells (the server may allow fewer: welcome.limits.maxCells). */
  maxCells: 1 << 22,
  maxGfn: 2 ** 40,
  maxRunIndex: 0xffff,
} as const;

/**
 * Parse and validate one viewer message (the text of a WebSocket text frame). Throws a
 * ProtocolError naming the problem: bad_json, bad_message (field, value, allowed range) or
 * unknown_type.
 */
export function parseClientMessage(text: string): ClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(
      'bad_json',
      `message is not JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw bad('message must be a JSON object');
  const m = raw as Obj;
  if (typeof m.type !== 'string') throw bad('message needs a string "type"');
  const id = num(m, 'id', 0, 2 ** 53 - 1, true);
  const B = MESSAGE_BOUNDS;
  const withId = <T extends object>(msg: T): T & Req => (id === undefined ? msg : { ...msg, id });
  switch (m.type) {
    case 'auth': {
      allowOnly(m, ['type', 'id', 'token']);
      if (typeof m.token !== 'string' || m.token.length === 0 || m.token.length > 256)
        throw bad('auth.token: expected a non-empty string of at most 256 characters');
      return withId({ type: 'auth', token: m.token });
    }
    case 'play': {
      allowOnly(m, ['type', 'id', 'speed']);
      const speed = num(m, 'speed', 0.001, B.maxSpeed);
      return withId(speed === undefined ? { type: 'play' } : { type: 'play', speed });
    }
    case 'fork': {
      allowOnly(m, ['type', 'id', 'follow']);
      if (m.follow !== undefined && typeof m.follow !== 'boolean')
        throw bad(`fork.follow: expected true or false, got ${JSON.stringify(m.follow)}`);
      return withId(m.follow === true ? { type: 'fork', follow: true } : { type: 'fork' });
    }
    case 'lead': {
      allowOnly(m, ['type', 'id', 'runId', 'token']);
      if (typeof m.runId !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(m.runId))
        throw bad('lead.runId: expected a run id (letters, digits, _ and -, at most 100)');
      if (typeof m.token !== 'string' || m.token.length === 0 || m.token.length > 256)
        throw bad(
          "lead.token: expected the run's control token (a non-empty string of at most 256 characters)",
        );
      return withId({ type: 'lead', runId: m.runId, token: m.token });
    }
    case 'pause':
    case 'reset':
    case 'keyframe':
      allowOnly(m, ['type', 'id']);
      return withId({ type: m.type });
    case 'step': {
      allowOnly(m, ['type', 'id', 'refs', 'seconds', 'until']);
      exactlyOne(m, ['refs', 'seconds', 'until'], true);
      const refs = num(m, 'refs', 1, B.maxStepRefs, true);
      const seconds = num(m, 'seconds', 1e-9, B.maxStepSeconds);
      if (m.until !== undefined && m.until !== 'reclaim')
        throw bad(`step.until: expected "reclaim", got ${JSON.stringify(m.until)}`);
      if (refs !== undefined) return withId({ type: 'step', refs });
      if (seconds !== undefined) return withId({ type: 'step', seconds });
      if (m.until === 'reclaim') return withId({ type: 'step', until: 'reclaim' });
      return withId({ type: 'step', refs: 1 });
    }
    case 'speed': {
      allowOnly(m, ['type', 'id', 'value']);
      return withId({
        type: 'speed',
        value: required(num(m, 'value', 0.001, B.maxSpeed), m, 'value'),
      });
    }
    case 'seek': {
      allowOnly(m, ['type', 'id', 'refIndex', 'time']);
      exactlyOne(m, ['refIndex', 'time'], false);
      const refIndex = num(m, 'refIndex', 0, B.maxRefIndex, true);
      const time = num(m, 'time', 0, B.maxRefIndex);
      return withId(
        refIndex !== undefined
          ? { type: 'seek', refIndex }
          : { type: 'seek', time: required(time, m, 'time') },
      );
    }
    case 'knob': {
      allowOnly(m, ['type', 'id', 'name', 'value']);
      if (typeof m.name !== 'string' || !(KNOBS as readonly string[]).includes(m.name))
        throw bad(
          `knob.name: ${JSON.stringify(m.name)} is not a knob; allowed: ${KNOBS.join(', ')}`,
        );
      const value = required(num(m, 'value', 0, B.maxKnobValue), m, 'value');
      return withId({ type: 'knob', name: m.name as Knob, value });
    }
    case 'viewport': {
      allowOnly(m, ['type', 'id', 'run', 'from', 'to', 'cells', 'lens']);
      const run = num(m, 'run', 0, B.maxRunIndex, true);
      const from = required(num(m, 'from', 0, B.maxGfn, true), m, 'from');
      const to = required(num(m, 'to', 1, B.maxGfn, true), m, 'to');
      if (to <= from) throw bad(`viewport.to: ${to} must be greater than from (${from})`);
      const cells = required(num(m, 'cells', 1, B.maxCells, true), m, 'cells');
      if (typeof m.lens !== 'string' || !(LENS_NAMES as readonly string[]).includes(m.lens))
        throw bad(
          `viewport.lens: ${JSON.stringify(m.lens)} is not a lens; allowed: ${LENS_NAMES.join(', ')}`,
        );
      const lens = m.lens as LensName;
      return withId(
        run === undefined
          ? { type: 'viewport', from, to, cells, lens }
          : { type: 'viewport', run, from, to, cells, lens },
      );
    }
    case 'lesson': {
      allowOnly(m, ['type', 'id', 'lesson', 'step']);
      if (
        m.lesson !== null &&
        (typeof m.lesson !== 'string' || !/^[a-z0-9-]{1,64}$/.test(m.lesson))
      )
        throw bad(
          'lesson.lesson: expected a lesson name (lowercase letters, digits, dashes) or null',
        );
      const step = required(num(m, 'step', 0, 1000, true), m, 'step');
      return withId({ type: 'lesson', lesson: m.lesson as string | null, step });
    }
    case 'events': {
      allowOnly(m, ['type', 'id', 'kinds', 'from', 'to', 'maxPerSecond']);
      if (
        !Array.isArray(m.kinds) ||
        m.kinds.length > 64 ||
        m.kinds.some((k) => typeof k !== 'string')
      )
        throw bad('events.kinds: expected an array of at most 64 event names (strings)');
      const from = num(m, 'from', 0, B.maxGfn, true);
      const to = num(m, 'to', 1, B.maxGfn, true);
      if ((from === undefined) !== (to === undefined))
        throw bad('events: give both from and to, or neither');
      if (from !== undefined && to !== undefined && to <= from)
        throw bad(`events.to: ${to} must be greater than from (${from})`);
      const maxPerSecond = num(m, 'maxPerSecond', 1, 1e6, true);
      const msg: EventsMsg = { type: 'events', kinds: m.kinds as string[] };
      if (from !== undefined) Object.assign(msg, { from, to });
      if (maxPerSecond !== undefined) msg.maxPerSecond = maxPerSecond;
      return withId(msg);
    }
    default:
      throw new ProtocolError(
        'unknown_type',
        `unknown message type ${JSON.stringify(m.type)}; known: auth, play, pause, step, speed, reset, seek, knob, fork, lead, keyframe, viewport, events, lesson`,
      );
  }
}

/** Parse a server message (the web app trusts its server, so this only checks the shape it dispatches on). */
export function parseServerMessage(text: string): ServerMessage {
  const m: unknown = JSON.parse(text);
  if (typeof m !== 'object' || m === null || typeof (m as Obj).type !== 'string')
    throw new ProtocolError('bad_message', 'server message without a type');
  return m as ServerMessage;
}

export function welcomeProtocolOk(m: WelcomeMsg): boolean {
  return m.protocol === PROTOCOL_VERSION;
}
