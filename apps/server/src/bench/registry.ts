/**
 * Every benchmark `npm run bench` runs, in order. Adding one = one module exporting a BenchEntry
 * factory, and one line here (the dashboard's frame-time benchmark will be such a line).
 */
import { browserBench } from './browser.ts';
import { classicBench } from './classic.ts';
import type { BenchEntry } from './harness.ts';
import { hotPathBench } from './hot-path.ts';
import { replayBench } from './replay.ts';
import { scalingBench } from './scaling.ts';
import { seekBench } from './seek.ts';
import { simE2eBench } from './sim-e2e.ts';
import { simStartupBench } from './sim-startup.ts';
import { streamBench } from './stream.ts';
import { soakBench } from './soak.ts';
import { sweepBench } from './sweep.ts';
import { viewersBench } from './viewers.ts';

export function allBenchmarks(): BenchEntry[] {
  return [
    hotPathBench(),
    simE2eBench(),
    simStartupBench(),
    classicBench(),
    scalingBench(),
    scalingBench({
      id: 'guest-64m',
      title: 'A 64M-page (256 GiB) guest: heap per page and the hot path',
      guestsMiB: [262144],
      goalBytes: 32,
      atMost: true,
      goalRatio: 0.3,
    }),
    replayBench(),
    streamBench(),
    streamBench({
      id: 'stream-16m',
      title: 'Stream to one viewer of a 16M-page (64 GiB) run while playing',
      guestMiB: 65536,
      minFps: 10,
      boot: false,
    }),
    viewersBench(),
    seekBench(),
    sweepBench(),
    soakBench(),
    browserBench(),
  ];
}
