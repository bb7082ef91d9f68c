/**
 * What the stream and viewer benchmarks share: a server in a child process with one run, a
 * driver connection, moving the run past the guest's boot, and sampling how far behind the
 * simulation each viewer's picture is. Every wait is bounded.
 */
import { ServerProcess, type CreatedRun } from './server-process.ts';
import { median } from './timing.ts';
import { ViewerClient } from './viewer-client.ts';

export interface Session {
  server: ServerProcess;
  run: CreatedRun;
  driver: ViewerClient;
  rate: number;
}

/** Start the server, create the run and connect its driver; the caller must close() it. */
export async function openSession(createBody: object, decodeDeltas: boolean): Promise<Session> {
  const server = await ServerProcess.start();
  try {
    const run = await server.createRun(createBody);
    const driver = await ViewerClient.connect(server.streamUrl(run, run.token), decodeDeltas);
    const welcome = await driver.waitFor((m) => m.type === 'welcome');
    if (welcome.type !== 'welcome' || welcome.role !== 'driver')
      throw new Error('the driver connection was not made driver');
    return { server, run, driver, rate: welcome.rate };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

export async function closeSession(
  s: Session,
  viewers: readonly ViewerClient[] = [],
): Promise<void> {
  await Promise.all([s.driver, ...viewers].map((v) => v.close()));
  await s.server.stop();
}

/**
 * Seek forward to `seconds` (the server simulates it in slices) and wait until the run is there.
 * Progress is read from the server process itself rather than from state messages, so this does
 * not depend on which messages the stream sends when; bounded by `timeoutMs`.
 */
export async function preRoll(s: Session, seconds: number, timeoutMs = 120_000): Promise<void> {
  const target = Math.round(seconds * s.rate);
  s.driver.send({ type: 'seek', time: seconds });
  const t0 = performance.now();
  while ((await s.server.sample(s.run.id)).refIndex < target) {
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`the run did not reach ${seconds} simulated s within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface LagSamples {
  /** Per viewer: the median of its sampled lags, ms. */
  medianMs: number[];
  /** The largest single sample over all viewers, ms. */
  maxMs: number;
  /** References the run advanced during the window, and how long the window was. */
  refs: number;
  wallMs: number;
  /** Hub publishes skipped for viewers that were behind, during the window. */
  skipped: number;
  /** Share of one core each process used during the window (the viewers live in this one). */
  serverCpu: number;
  viewersCpu: number;
}

/**
 * Every `everyMs` for `windowMs`: the run's reference index in the server against the latest
 * page frame each viewer holds. The difference, at the run's playing pace, is how many
 * milliseconds behind the simulation that viewer's picture is (it includes the publish interval).
 */
export async function sampleLags(
  s: Session,
  viewers: readonly ViewerClient[],
  windowMs: number,
  refsPerMs: number,
  everyMs = 200,
): Promise<LagSamples> {
  const start = await s.server.sample(s.run.id);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const lags: number[][] = viewers.map(() => []);
  let maxMs = 0;
  let last = start;
  while (performance.now() - t0 < windowMs) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await s.server.sample(s.run.id);
    viewers.forEach((v, i) => {
      if (v.stats.lastRefIndex < 0) return;
      const ms = Math.max(0, last.refIndex - v.stats.lastRefIndex) / refsPerMs;
      lags[i].push(ms);
      maxMs = Math.max(maxMs, ms);
    });
  }
  return {
    medianMs: lags.map((l) => (l.length ? median(l) : Infinity)),
    maxMs,
    refs: last.refIndex - start.refIndex,
    wallMs: performance.now() - t0,
    skipped: last.skipped - start.skipped,
    serverCpu: (last.cpuMicros - start.cpuMicros) / 1000 / (last.at - start.at),
    viewersCpu: ((c) => (c.user + c.system) / 1000 / (performance.now() - t0))(
      process.cpuUsage(cpu0),
    ),
  };
}
