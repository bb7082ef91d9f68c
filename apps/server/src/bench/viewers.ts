/**
 * Benchmark 5: 1, 50 and 200 concurrent WebSocket viewers of one playing run on loopback: the
 * frames each receives per second, the lag of the slowest, and the server's memory. Viewers are
 * added to the same playing run level by level; the baseline is the same run with one viewer,
 * measured in the same session.
 */
import {
  skipped,
  type BenchEntry,
  type BenchResult,
  type BaselineRatio,
  type Figure,
} from './harness.ts';
import { bigRunScenario } from './stream.ts';
import { closeSession, openSession, preRoll, sampleLags, type Session } from './stream-session.ts';
import { median, round } from './timing.ts';
import { ViewerClient } from './viewer-client.ts';

export interface ViewersOptions {
  levels?: readonly number[];
  windowMs?: number;
  /** A preset instead of the 1M-page run (tests use a small one). */
  preset?: string;
  guestMiB?: number;
  speed?: number;
}

export function viewersBench(opts: ViewersOptions = {}): BenchEntry {
  return {
    id: 'viewers',
    title: 'Concurrent WebSocket viewers of one playing 1M-page run',
    goal: '200 viewers: server under one core, no viewer under 15 page-map frames/s',
    run: async (ctx) => {
      const guestMiB = opts.guestMiB ?? 4096;
      const preset = opts.preset ?? `a ${guestMiB} MiB guest`;
      let session: Session;
      try {
        session = await openSession(
          opts.preset
            ? { preset: opts.preset, policy: 'unmap-emulation' }
            : { scenario: bigRunScenario(guestMiB), policy: 'unmap-emulation' },
          false,
        );
      } catch (e) {
        return skipped(`server not available: ${e instanceof Error ? e.message : String(e)}`);
      }
      const viewers: ViewerClient[] = [];
      try {
        return await measure(session, viewers, preset, ctx.quick, opts, ctx.log);
      } finally {
        await closeSession(session, viewers);
      }
    },
  };
}

const MiB = 2 ** 20;

async function measure(
  s: Session,
  viewers: ViewerClient[],
  preset: string,
  quick: boolean,
  opts: ViewersOptions,
  log: (l: string) => void,
): Promise<BenchResult> {
  const levels = opts.levels ?? [1, 50, 200];
  const windowMs = opts.windowMs ?? (quick ? 1000 : 4000);
  const speed = opts.speed ?? 1;
  // past the boot scan (one reference per page)
  const welcome = await s.driver.waitFor((m) => m.type === 'welcome');
  const pages = welcome.type === 'welcome' ? welcome.guestPages : 0;
  await preRoll(s, Math.ceil(pages / s.rate) + 1, 600_000);
  const idle = await s.server.sample(s.run.id, true);
  s.driver.send({ type: 'play', speed });
  const figures: Figure[] = [];
  const ratios: BaselineRatio[] = [];
  let oneViewerFps = NaN;
  let lastFps: number[] = [];
  let oneViewerRss = NaN;
  const summary: {
    n: number;
    fps: number;
    cpu: number;
    skipped: number;
    rss: number;
    live: number;
  }[] = [];
  for (const n of levels) {
    // The driver is viewer number one; the others join in bounded batches.
    while (viewers.length + 1 < n) {
      const batch = Math.min(25, n - 1 - viewers.length);
      const joined = await Promise.all(
        Array.from({ length: batch }, () => ViewerClient.connect(s.server.streamUrl(s.run))),
      );
      viewers.push(...joined);
    }
    const all = [s.driver, ...viewers];
    await new Promise((r) => setTimeout(r, 500)); // join keyframes out of the way
    for (const v of all) v.reset();
    const lag = await sampleLags(s, all, windowMs, (speed * s.rate) / 1000);
    const mem = await s.server.sample(s.run.id, true);
    const secs = lag.wallMs / 1000;
    const fps = all.map((v) => (v.stats.keyframes + v.stats.deltas) / secs);
    lastFps = fps;
    const slowest = Math.max(...lag.medianMs);
    const bytesPerSec = all.reduce((a, v) => a + v.stats.bytes, 0) / secs;
    log(
      `  ${n} viewers: ${round(median(fps))} frames/s each (min ${round(Math.min(...fps))}), slowest lag ${round(slowest)} ms, RSS ${round(mem.rss / MiB)} MiB`,
    );
    summary.push({
      n,
      fps: median(fps),
      cpu: lag.serverCpu,
      skipped: lag.skipped,
      rss: mem.rss,
      live: mem.heapUsed + mem.arrayBuffers,
    });
    if (n === levels[0]) {
      oneViewerFps = median(fps);
      oneViewerRss = mem.rss;
    }
    figures.push(
      {
        name: `${n}: frames per viewer per second, median`,
        value: round(median(fps)),
        unit: 'frames/s',
      },
      {
        name: `${n}: frames per viewer per second, fewest`,
        value: round(Math.min(...fps)),
        unit: 'frames/s',
      },
      { name: `${n}: slowest viewer's median lag`, value: round(slowest), unit: 'ms' },
      { name: `${n}: worst lag sampled`, value: round(lag.maxMs), unit: 'ms' },
      { name: `${n}: bytes per second, all viewers`, value: round(bytesPerSec), unit: 'B/s' },
      {
        name: `${n}: simulated speed reached`,
        value: round(lag.refs / s.rate / secs),
        unit: '× real time',
      },
      { name: `${n}: publishes skipped for viewers behind`, value: lag.skipped, unit: 'publishes' },
      { name: `${n}: server CPU`, value: round(lag.serverCpu * 100), unit: '% of a core' },
      {
        name: `${n}: viewers' CPU (benchmark process)`,
        value: round(lag.viewersCpu * 100),
        unit: '% of a core',
      },
      { name: `${n}: server RSS`, value: round(mem.rss / MiB), unit: 'MiB' },
      {
        name: `${n}: server heap + array buffers, after GC`,
        value: round((mem.heapUsed + mem.arrayBuffers) / MiB),
        unit: 'MiB',
      },
    );
    if (n !== levels[0]) {
      ratios.push({
        subject: `${n} viewers: frames per viewer per second`,
        baseline: `${levels[0]} viewer`,
        ratio: round(median(fps) / oneViewerFps),
        meaning: '1 = every viewer served as well as one',
      });
      ratios.push({
        subject: `${n} viewers: server RSS`,
        baseline: `${levels[0]} viewer`,
        ratio: round(mem.rss / oneViewerRss),
        meaning: 'memory growth with viewers',
      });
    }
  }
  s.driver.send({ type: 'pause' });
  figures.unshift({
    name: 'server RSS, run created, no viewer playing',
    value: round(idle.rss / MiB),
    unit: 'MiB',
  });
  const first = summary[0];
  const last = summary[summary.length - 1];
  const notes = [
    `From ${first.n} to ${last.n} viewers, frames per viewer went from ${round(first.fps)} to ${round(last.fps)} a second ` +
      `while the server used ${round(last.cpu * 100)}% of a core and skipped ${summary.reduce((a, x) => a + x.skipped, 0)} publishes ` +
      `(latest-wins did not have to drop anything). The hub's throttle sets the pace: it publishes at most every ` +
      `max(33 ms, 10 × the time the last publish spent building frames, 2 × the time it spent handing them to the sockets), ` +
      `so sending to a large class may take up to half of the server's time and no more. ` +
      `Between ${first.n} and ${last.n} viewers the server's live heap + array buffers (after a GC) changed by ` +
      `${round((last.live - first.live) / MiB)} MiB (${round((last.live - first.live) / 1024 / Math.max(1, last.n - first.n))} KiB ` +
      `per added viewer) and its RSS by ${round((last.rss - first.rss) / MiB)} MiB (RSS keeps freed pages, so it is the noisier figure).`,
  ];
  const minFps = Math.min(...lastFps);
  return {
    notes,
    status: 'measured',
    figures,
    ratios,
    goal: {
      text: `${last.n} viewers: server < 1 core, every viewer ≥ 15 frames/s`,
      met: last.cpu < 1 && minFps >= 15,
      detail: `server ${round(last.cpu * 100)}% of a core, fewest frames/s ${round(minFps)}`,
    },
    method:
      `The server (buildApp on its defaults, viewer cap raised to allow 200) runs in a child process on 127.0.0.1; a run ` +
      `of preset \`${preset}\` under unmap-emulation is moved past boot, then played at speed ${speed} while viewers join ` +
      `(levels ${levels.join(', ')}; the driver counts as one). At each level, after 500 ms for join keyframes, every ` +
      `viewer's page-map frames are counted for ${windowMs} ms. Lag: every 200 ms the server's reference index against ` +
      `the latest page frame each viewer holds, at the playing pace; the slowest viewer is the one with the largest ` +
      `median. Server memory is read in the server process right after a full GC. The viewers run in the benchmark process, the server in its own; on this machine they share its cores.`,
  };
}
