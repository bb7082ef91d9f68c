/**
 * Benchmark 4: the stream to one viewer of a 1M-page run while it plays: bytes and frames per
 * second, a keyframe's size, and bytes per changed page in a delta. The baselines are derived
 * in the same run: sending a keyframe at every publish instead of a delta, and the protocol's
 * floor of 5 bytes per changed page (u32 index + u8 value).
 */
import { PageClassifier, Simulation } from '@agelab/sim-core';
import { skipped, type BenchEntry, type BenchResult } from './harness.ts';
import { Feeder, noPressureScenario } from './steady-state.ts';
import { closeSession, openSession, preRoll, sampleLags, type Session } from './stream-session.ts';
import { interleaved, round } from './timing.ts';

/**
 * The dominant part of one publish, measured here: the page view of every page (sim-core's
 * pageView), which the hub computes before diffing against the previous one.
 */
function pageViewMs(guestMiB: number, reps: number): number {
  const sim = new Simulation(noPressureScenario(guestMiB), 'unmap-emulation');
  new Feeder(sim).faultInAll();
  const out = new Uint16Array(sim.guestPages);
  return interleaved({ view: () => new PageClassifier(sim).fill(out, 0, sim.guestPages) }, reps)
    .view;
}

export interface StreamOptions {
  guestMiB?: number;
  windowMs?: number;
  /** Simulated seconds per wall second while playing. */
  speed?: number;
}

/** The classic experiment scaled to a 1M-page guest: the cgroup holds half, the hot set fits. */
export function bigRunScenario(guestMiB: number): object {
  return {
    name: `classic-${guestMiB}mib`,
    guest: { memoryMiB: guestMiB },
    host: { memcgLimitMiB: guestMiB / 2, swapMiB: guestMiB, swapDevice: 'hdd' },
    rate: 100_000,
    boot: true,
    workload: {
      type: 'hotcold',
      hotMiB: guestMiB / 8,
      hotOffsetMiB: guestMiB / 4,
      hotShare: 0.995,
    },
  };
}

const DELTA_FLOOR = 5;

export function streamBench(opts: StreamOptions = {}): BenchEntry {
  return {
    id: 'stream',
    title: 'Stream to one viewer of a 1M-page run while playing',
    run: async (ctx) => {
      const guestMiB = opts.guestMiB ?? 4096;
      let session: Session;
      try {
        session = await openSession(
          { scenario: bigRunScenario(guestMiB), policy: 'unmap-emulation' },
          true,
        );
      } catch (e) {
        return skipped(`server not available: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        return await measure(session, guestMiB, ctx.quick, opts, ctx.log);
      } finally {
        await closeSession(session);
      }
    },
  };
}

async function measure(
  s: Session,
  guestMiB: number,
  quick: boolean,
  opts: StreamOptions,
  log: (l: string) => void,
): Promise<BenchResult> {
  const windowMs = opts.windowMs ?? (quick ? 1500 : 5000);
  const speed = opts.speed ?? 1;
  const pages = guestMiB * 256;
  // Past the boot scan (one reference per page at the scenario's rate), so the window sees
  // the steady state: reclaim, aging and the hot set.
  const bootSeconds = pages / s.rate;
  const t0 = performance.now();
  await preRoll(s, Math.ceil(bootSeconds + 1));
  log(
    `  ${pages} pages; ran past boot (${round(bootSeconds)} simulated s) in ${round((performance.now() - t0) / 1000)} s; playing at ${speed}× for ${windowMs} ms`,
  );
  const v = s.driver;
  v.reset();
  v.send({ type: 'play', speed });
  const lag = await sampleLags(s, [v], windowMs, (speed * s.rate) / 1000);
  v.send({ type: 'pause' });
  const st = v.stats;
  const viewMs = pageViewMs(guestMiB, quick ? 3 : 7);
  const secs = lag.wallMs / 1000;
  const pageFrames = st.keyframes + st.deltas;
  const keyframeBytes = v.lastKeyframeBytes;
  const bytesPerChanged = st.deltaChangedPages ? st.deltaBytes / st.deltaChangedPages : NaN;
  const allKeyframes = (pageFrames / secs) * keyframeBytes;
  const result: BenchResult = {
    status: 'measured',
    figures: [
      { name: 'guest pages', value: pages, unit: 'pages' },
      { name: 'bytes per second', value: round(st.bytes / secs), unit: 'B/s' },
      {
        name: 'page-map frames per second (publishes)',
        value: round(pageFrames / secs),
        unit: 'frames/s',
      },
      {
        name: 'binary messages per second (page maps, counters, events)',
        value: round(st.frames / secs),
        unit: 'msgs/s',
      },
      { name: 'keyframe size', value: keyframeBytes, unit: 'B' },
      {
        name: 'keyframes sent instead of a delta in the window',
        value: st.keyframes,
        unit: 'frames',
      },
      {
        name: 'mean delta size',
        value: st.deltas ? round(st.deltaBytes / st.deltas) : 0,
        unit: 'B',
      },
      {
        name: 'mean changed pages per delta',
        value: st.deltas ? round(st.deltaChangedPages / st.deltas) : 0,
        unit: 'pages',
      },
      { name: 'median lag behind the simulation', value: round(lag.medianMs[0]), unit: 'ms' },
      { name: 'page view of every page (in this process)', value: round(viewMs), unit: 'ms' },
      { name: 'server CPU', value: round(lag.serverCpu * 100), unit: '% of a core' },
      {
        name: 'simulated speed reached',
        value: round(lag.refs / s.rate / secs),
        unit: '× real time',
      },
    ],
    ratios: [
      {
        subject: 'page-map bytes per second',
        baseline: 'a keyframe at every publish',
        ratio: round((st.keyframeBytes + st.deltaBytes) / secs / allKeyframes),
        meaning: 'what deltas save (below 1 is a saving)',
      },
      {
        subject: 'time between publishes',
        baseline: 'page view of every page',
        ratio: round(secs / pageFrames / (viewMs / 1000)),
        meaning: 'publish interval, in page views',
      },
    ],
    method:
      `The server (buildApp on its defaults) runs in a child process on 127.0.0.1; one WebSocket viewer (the driver) ` +
      `watches a ${guestMiB} MiB guest (${pages} pages; memcg ${guestMiB / 2} MiB, hot set ${guestMiB / 8} MiB taking 99.5% ` +
      `of references, ${s.rate} references per simulated second) under unmap-emulation. The run is first moved past its ` +
      `boot scan with a seek, then played at speed ${speed} for ${windowMs} ms; every binary message is counted and ` +
      `deltas are decoded with @agelab/protocol. Lag: every 200 ms the server's reference index against the latest page ` +
      `frame the viewer holds, at the playing pace (it includes the time between publishes).`,
  };
  const notes = [
    `Frames are few because the hub publishes at most every max(33 ms, 10 × the time the last publish spent building frames, ` +
      `2 × the time it spent sending them) while playing (apps/server/src/hub.ts), and building a publish of ${pages} pages ` +
      `costs the page view (${round(viewMs)} ms here), the diff ` +
      `against the previous view, the counters and the events: ${round(pageFrames / secs)} publishes/s, ` +
      `${round((secs / pageFrames) * 1000)} ms apart, with the server at ${round(lag.serverCpu * 100)}% of a core.`,
  ];
  result.notes = notes;
  // Only a window that saw a delta can say what a changed page costs (a small guest may change
  // so much between publishes that the hub sends keyframes instead).
  if (st.deltas > 0) {
    result.figures.splice(
      result.figures.findIndex((f) => f.name === 'mean changed pages per delta') + 1,
      0,
      { name: 'bytes per changed page in a delta', value: round(bytesPerChanged), unit: 'B/page' },
    );
    result.ratios.push({
      subject: 'bytes per changed page',
      baseline: `protocol floor (${DELTA_FLOOR} B: u32 index + u8 value)`,
      ratio: round(bytesPerChanged / DELTA_FLOOR),
      meaning: 'frame header overhead (1 = none)',
    });
  } else notes.push('No delta arrived in the window, so bytes per changed page were not measured.');
  return result;
}
