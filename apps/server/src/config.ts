import { fileURLToPath } from 'node:url';

/**
 * Everything the server bounds, with the defaults it runs on and the environment variable that
 * changes each (docs/protocol.md lists them). `loadConfig(env)` refuses a value that is not a
 * number in range instead of running on a surprise.
 */
export interface ServerConfig {
  port: number;
  host: string;
  /** Largest guest a run may simulate, MiB (4096 MiB = 1M pages). */
  maxGuestMiB: number;
  /** Most policies in one comparison. */
  maxPolicies: number;
  /** Most live runs and comparisons at once. */
  maxRuns: number;
  /**
   * Server-wide page budget: the sum over live runs of guest pages × policies (default 4 runs of
   * a 4 GiB guest × 3 policies = 12M pages, about 6 GiB of simulation state).
   */
  maxPages: number;
  /** Most live runs one client (remote address) may have created with POST /api/runs. */
  maxRunsPerClient: number;
  /** Most live forks one client (remote address) may have made. */
  maxForksPerClient: number;
  /** Most bytes of tables building one scenario's workload may take (a zipf part: 8 B a page). */
  maxWorkloadMiB: number;
  /**
   * Origins (besides the server's own) allowed to open sockets and send POST/DELETE, e.g.
   * `http://teacher.example:8080` (AGELAB_ALLOWED_ORIGINS, comma-separated; `*` allows any).
   */
  allowedOrigins: string[];
  /**
   * Host names (besides IP literals and localhost) the server answers to, e.g. `lab.school.example`
   * (AGELAB_ALLOWED_HOSTS, comma-separated; `*` allows any): a foreign name means DNS rebinding.
   */
  allowedHosts: string[];
  /** Most sockets watching one run. */
  maxViewersPerRun: number;
  /** A run nobody watches or drives for this long is deleted. */
  idleRunMs: number;
  /** A playing run nobody watches is paused after this long (it keeps its state). */
  unwatchedPauseMs: number;
  /** Largest JSON message a viewer may send, bytes. */
  maxMessageBytes: number;
  /** Messages per second a viewer may send (token bucket, burst of the same size). */
  maxMessagesPerSecond: number;
  /** A viewer with more than this many bytes not yet sent gets no new frames until it drains. */
  maxBufferedBytes: number;
  /** Wall time the simulation may take in one go before the event loop gets a turn. */
  sliceMs: number;
  /** Simulated milliseconds between two counter-history samples (doubles when history is full). */
  historySampleMs: number;
  /** Memory one comparison's checkpoints may hold (older ones are thinned out past it), bytes. */
  maxCheckpointBytes: number;
  /** Most counter-history samples kept per run. */
  maxHistorySamples: number;
  /** Most event records in one EVENTS frame; the rest are counted as dropped. */
  maxEventsPerFrame: number;
  /** Most simulated references a Perfetto trace export may replay. */
  maxTraceRefs: number;
  /** Most reclaim slices in one Perfetto trace. */
  maxTraceSlices: number;
  /** Most cells one viewport may ask for. */
  maxCells: number;
  /** Most event records a second per run one subscription may ask for while playing. */
  maxEventsPerSecond: number;
  /** Longest window of a page-history query, simulated seconds. */
  maxPageHistorySeconds: number;
  /** Points of the address × time history kept per run (halved into coarser ones past it). */
  maxMapHistoryPoints: number;
  /** Largest HTTP request body, bytes. */
  bodyLimit: number;
  /** Where the built web app is (apps/web/dist); nothing is served there when it is missing. */
  webDist: string;
  logLevel: string;
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 8080,
  host: '127.0.0.1',
  maxGuestMiB: 4096,
  maxPolicies: 8,
  maxRuns: 16,
  maxPages: 4 * 3 * 2 ** 20,
  maxRunsPerClient: 8,
  maxForksPerClient: 8,
  maxWorkloadMiB: 16,
  allowedOrigins: [],
  allowedHosts: [],
  maxViewersPerRun: 64,
  idleRunMs: 30 * 60_000,
  unwatchedPauseMs: 60_000,
  maxMessageBytes: 4096,
  maxMessagesPerSecond: 50,
  maxBufferedBytes: 4 * 1024 * 1024,
  sliceMs: 10,
  historySampleMs: 100,
  maxHistorySamples: 4000,
  maxCheckpointBytes: 64 * 1024 * 1024,
  maxEventsPerFrame: 20_000,
  maxTraceRefs: 100_000_000,
  maxTraceSlices: 100_000,
  maxCells: 1 << 21,
  maxEventsPerSecond: 20_000,
  maxPageHistorySeconds: 120,
  maxMapHistoryPoints: 1000,
  bodyLimit: 256 * 1024,
  webDist: fileURLToPath(new URL('../../web/dist', import.meta.url)),
  logLevel: 'info',
};

type NumericKey = {
  [K in keyof ServerConfig]: ServerConfig[K] extends number ? K : never;
}[keyof ServerConfig];

const NUMERIC_ENV: Record<NumericKey, [env: string, min: number, max: number]> = {
  port: ['PORT', 0, 65535],
  maxGuestMiB: ['AGELAB_MAX_GUEST_MIB', 4, 65536],
  maxPolicies: ['AGELAB_MAX_POLICIES', 1, 16],
  maxRuns: ['AGELAB_MAX_RUNS', 1, 10_000],
  maxPages: ['AGELAB_MAX_PAGES', 1024, 2 ** 36],
  maxRunsPerClient: ['AGELAB_MAX_RUNS_PER_CLIENT', 1, 10_000],
  maxForksPerClient: ['AGELAB_MAX_FORKS_PER_CLIENT', 0, 10_000],
  maxWorkloadMiB: ['AGELAB_MAX_WORKLOAD_MIB', 1, 1 << 20],
  maxViewersPerRun: ['AGELAB_MAX_VIEWERS_PER_RUN', 1, 100_000],
  idleRunMs: ['AGELAB_IDLE_RUN_MS', 1000, 7 * 86_400_000],
  unwatchedPauseMs: ['AGELAB_UNWATCHED_PAUSE_MS', 100, 7 * 86_400_000],
  maxMessageBytes: ['AGELAB_MAX_MESSAGE_BYTES', 64, 1 << 20],
  maxMessagesPerSecond: ['AGELAB_MAX_MESSAGES_PER_SECOND', 1, 100_000],
  maxBufferedBytes: ['AGELAB_MAX_BUFFERED_BYTES', 64 * 1024, 1 << 30],
  sliceMs: ['AGELAB_SLICE_MS', 1, 1000],
  historySampleMs: ['AGELAB_HISTORY_SAMPLE_MS', 1, 60_000],
  maxHistorySamples: ['AGELAB_MAX_HISTORY_SAMPLES', 16, 10_000_000],
  maxCheckpointBytes: ['AGELAB_MAX_CHECKPOINT_BYTES', 1 << 20, 2 ** 40],
  maxEventsPerFrame: ['AGELAB_MAX_EVENTS_PER_FRAME', 0, 1 << 20],
  maxTraceRefs: ['AGELAB_MAX_TRACE_REFS', 1, 1e12],
  maxTraceSlices: ['AGELAB_MAX_TRACE_SLICES', 1, 1e8],
  maxCells: ['AGELAB_MAX_CELLS', 1, 1 << 24],
  maxEventsPerSecond: ['AGELAB_MAX_EVENTS_PER_SECOND', 1, 1e6],
  maxPageHistorySeconds: ['AGELAB_MAX_PAGE_HISTORY_S', 1, 3600],
  maxMapHistoryPoints: ['AGELAB_MAX_MAP_HISTORY_POINTS', 16, 1e6],
  bodyLimit: ['AGELAB_BODY_LIMIT', 1024, 1 << 30],
};

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  base: ServerConfig = DEFAULT_CONFIG,
): ServerConfig {
  const cfg: ServerConfig = { ...base };
  for (const [key, [name, min, max]] of Object.entries(NUMERIC_ENV) as [
    NumericKey,
    [string, number, number],
  ][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max)
      throw new Error(`${name}=${raw}: expected a number from ${min} to ${max}`);
    cfg[key] = v;
  }
  if (env.HOST) cfg.host = env.HOST;
  const list = (v: string) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (env.AGELAB_ALLOWED_ORIGINS) cfg.allowedOrigins = list(env.AGELAB_ALLOWED_ORIGINS);
  if (env.AGELAB_ALLOWED_HOSTS)
    cfg.allowedHosts = list(env.AGELAB_ALLOWED_HOSTS).map((h) => h.toLowerCase());
  if (env.AGELAB_WEB_DIST) cfg.webDist = env.AGELAB_WEB_DIST;
  if (env.LOG_LEVEL) cfg.logLevel = env.LOG_LEVEL;
  return cfg;
}
