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
 * What a publish would cost if it classified every page (sim-core's PageClassifier over the
 * whole guest): the hub classifies only the chunks that changed plus a rolling sweep.
 */
function pageViewMs(guestMiB: number, reps: number, faultIn: boolean): number {
  const sim = new Simulation(noPressureScenario(guestMiB), 'unmap-emulation');
  if (faultIn) new Feeder(sim).faultInAll();
  const out = new Uint16Array(sim.guestPages);
  return interleaved({ view: () => new PageClassifier(sim).fill(out, 0, sim.guestPages) }, reps)
    .view;
}

export interface StreamOptions {
  guestMiB?: number;
  windowMs?: number;
  /** Simulated seconds per wall second while playing. */
  speed?: number;
  /** Entry id and title (the 16M-page variant is a second entry). */
  id?: string;
  title?: string;
  /** Page-map frames a second the viewer must get, and the most bytes a second it may. */
  minFps?: number;
  maxBytesPerSecond?: number;
  /** Boot the guest (touch every page first); a 16M-page guest starts cold instead. */
  boot?: boolean;
}

/** The classic experiment scaled to a 1M-page guest: the cgroup holds half, the hot set fits. */
export function bigRunScenario(guestMiB: number, boot = true): object {
  return {
    name: `classic-${guestMiB}mib`,
    guest: { memoryMiB: guestMiB },
    host: { memcgLimitMiB: guestMiB / 2, swapMiB: guestMiB, swapDevice: 'hdd' },
    rate: 100_000,
    boot,
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
  const minFps = opts.minFps ?? 20;
  const maxBps = opts.maxBytesPerSecond ?? 1e6;
  return {
    id: opts.id ?? 'stream',
    title: opts.title ?? 'Stream to one viewer of a 1M-page run while playing',
    goal: `≥ ${minFps} page-map frames/s at ≤ ${maxBps / 1e6} MB/s with a 1024 × 1024-cell viewport, at 1×`,
    run: async (ctx) => {
      const guestMiB = opts.guestMiB ?? 4096;
      let session: Session;
      try {
        session = await openSession(
          { scenario: bigRunScenario(guestMiB, opts.boot ?? true), policy: 'unmap-emulation' },
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
  const minFps = opts.minFps ?? 20;
  const maxBps = opts.maxBytesPerSecond ?? 1e6;
  const speed = opts.speed ?? 1;
  const pages = guestMiB * 256;
  // Past the boot scan (one reference per page at the scenario's rate), so the window sees
  // the steady state: reclaim, aging and the hot set.
  const bootSeconds = opts.boot === false ? 0 : pages / s.rate;
  const t0 = performance.now();
  await preRoll(s, Math.ceil(bootSeconds + 1), 600_000);
  log(
    `  ${pages} pages; ran past boot (${round(bootSeconds)} simulated s) in ${round((performance.now() - t0) / 1000)} s; playing at ${speed}× for ${windowMs} ms`,
  );
  const v = s.driver;
  v.reset();
  v.send({ type: 'play', speed });
  const lag = await sampleLags(s, [v], windowMs, (speed * s.rate) / 1000);
  v.send({ type: 'pause' });
  const st = v.stats;
  const viewMs = pageViewMs(guestMiB, quick ? 1 : 3, opts.boot !== false);
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
      { name: 'class words of every page (in this process)', value: round(viewMs), unit: 'ms' },
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
        baseline: 'classifying every page',
        ratio: round(secs / pageFrames / (viewMs / 1000)),
        meaning: 'publish interval, in whole-guest classifications',
      },
    ],
    goal: {
      text: `≥ ${minFps} page-map frames/s at ≤ ${maxBps / 1e6} MB/s`,
      met: pageFrames / secs >= minFps && st.bytes / secs <= maxBps,
      detail: `${round(pageFrames / secs)} frames/s at ${round(st.bytes / secs / 1e6)} MB/s`,
    },
    method:
      `The server (buildApp on its defaults, guest limit raised to 64 GiB) runs in a child process on 127.0.0.1; one WebSocket viewer (the driver, with a viewport of the whole guest in ${Math.min(pages, 1 << 20)} cells of the residency lens) ` +
      `watches a ${guestMiB} MiB guest (${pages} pages; memcg ${guestMiB / 2} MiB, hot set ${guestMiB / 8} MiB taking 99.5% ` +
      `of references, ${s.rate} references per simulated second) under unmap-emulation. The run is first moved past its ` +
      `boot scan with a seek, then played at speed ${speed} for ${windowMs} ms; every binary message is counted and ` +
      `deltas are decoded with @agelab/protocol. Lag: every 200 ms the server's reference index against the latest page ` +
      `frame the viewer holds, at the playing pace (it includes the time between publishes).`,
  };
  const notes = [
    `The hub publishes at most every max(33 ms, 10 × the time the last publish spent building frames, ` +
      `2 × the time it spent sending them) while playing (apps/server/src/hub.ts). A publish classifies the 2M chunks ` +
      `that changed plus a rolling sweep of the guest (all of it once a second), recounts the cells over changed chunks ` +
      `and sends only changed cells; classifying all ${pages} pages would cost ${round(viewMs)} ms. ` +
      `${round(pageFrames / secs)} publishes/s, ${round((secs / pageFrames) * 1000)} ms apart, with the server at ${round(lag.serverCpu * 100)}% of a core.`,
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
