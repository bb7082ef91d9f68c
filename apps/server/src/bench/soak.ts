/**
 * The soak (issue 14): many viewers, a slow viewer, a flooding client and a keyframe flood of a
 * paused 4 GiB × 3 comparison at once, for a minute (10 s quick); /healthz probed every 50 ms and
 * memory sampled. The short version is soak.test.ts in `npm test`; both run ../soak.ts in process.
 */
import { soak } from '../soak.ts';
import type { BenchEntry } from './harness.ts';

const SOAK_GOAL =
  '/healthz median under 100 ms, none unanswered, no viewer under 3 frames/s, memory bounded';
export function soakBench(): BenchEntry {
  return {
    id: 'soak',
    title: 'Soak: 50 viewers, a slow viewer, a flooding client and a keyframe flood at once',
    goal: SOAK_GOAL,
    run: async (ctx) => {
      const seconds = ctx.quick ? 10 : 60;
      const r = await soak({
        seconds,
        viewers: 50,
        flooders: 10,
        floodGuestMiB: ctx.quick ? 1024 : 4096,
        log: ctx.log,
      });
      const met =
        r.healthzMedianMs < 100 &&
        r.healthzFailed === 0 &&
        r.viewerMinFps > 3 &&
        r.memoryGrowthMiB < 256;
      return {
        status: 'measured',
        figures: [
          { name: '/healthz median', value: r.healthzMedianMs, unit: 'ms' },
          { name: '/healthz p95', value: r.healthzP95Ms, unit: 'ms' },
          { name: '/healthz max', value: r.healthzMaxMs, unit: 'ms' },
          { name: '/healthz unanswered (2 s)', value: r.healthzFailed, unit: 'probes' },
          { name: 'slowest well-behaved viewer', value: r.viewerMinFps, unit: 'counter frames/s' },
          { name: 'median viewer', value: r.viewerMedianFps, unit: 'counter frames/s' },
          { name: 'frames delivered', value: r.framesDelivered, unit: 'frames' },
          { name: 'keyframes asked', value: r.keyframesAsked, unit: 'messages' },
          { name: 'flood messages', value: r.floodSent, unit: 'messages' },
          { name: 'peak RSS', value: Math.max(...r.memory.map((m) => m[1])), unit: 'MiB' },
          { name: 'heap growth (last vs second quarter)', value: r.memoryGrowthMiB, unit: 'MiB' },
          { name: 'slow viewer unsent bytes at end', value: r.slowViewerBufferedBytes, unit: 'B' },
        ],
        ratios: [],
        goal: {
          text: SOAK_GOAL,
          met,
          detail: `median ${r.healthzMedianMs} ms, p95 ${r.healthzP95Ms} ms, slowest viewer ${r.viewerMinFps} frames/s, heap growth ${r.memoryGrowthMiB} MiB`,
        },
        method: `${seconds} s on loopback, server and clients in one process (latencies are an upper bound): 50 viewers of a playing classic run (1024-cell viewport), one viewer that never reads (65536 cells), one client sending 2,000 messages/s against a limit of 50, and 10 sockets each asking 40 keyframes/s of a paused ${ctx.quick ? 1024 : 4096} MiB × 3-policy comparison, every page a cell; /healthz every 50 ms`,
        notes: r.errors.length ? [`errors: ${r.errors.join('; ')}`] : [],
      };
    },
  };
}
