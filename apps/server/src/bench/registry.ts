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
import { streamBench } from './stream.ts';
import { soakBench } from './soak.ts';
import { sweepBench } from './sweep.ts';
import { viewersBench } from './viewers.ts';

export function allBenchmarks(): BenchEntry[] {
  return [
    hotPathBench(),
    classicBench(),
    scalingBench(),
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
