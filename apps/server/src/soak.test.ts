import { describe, expect, it } from 'vitest';
import { soak } from './soak.ts';

describe('soak (issue 14): many viewers, a slow viewer, a flooding client and a keyframe flood at once', () => {
  it('keeps /healthz answering, every well-behaved viewer fed, and memory bounded', async () => {
    const r = await soak({ seconds: 8, viewers: 20, flooders: 10, floodGuestMiB: 256 });
    console.log(JSON.stringify({ ...r, memory: r.memory.filter((_, i) => i % 4 === 0) }));
    // Liveness, not speed: the median of ~100 probes under 100 ms, and none unanswered within
    // 2 s. The median (not the maximum) so that one GC pause or a neighbour's burst on a loaded
    // 2-core CI machine does not fail it; a server blocked by the flood (issue 14, row 2: seconds
    // per answer) fails it by far.
    expect(r.healthzFailed).toBe(0);
    expect(r.probes).toBeGreaterThan(40);
    expect(r.healthzMedianMs).toBeLessThan(100);
    // every well-behaved viewer gets counters, at a rate far from starving (publishes: ~30/s)
    expect(r.viewerMinFps).toBeGreaterThan(3);
    // memory does not grow without bound: the last quarter's peak within 128 MiB of the second's
    expect(r.memoryGrowthMiB).toBeLessThan(128);
    // the slow viewer holds at most maxBufferedBytes (4 MiB) plus one publish
    expect(r.slowViewerBufferedBytes).toBeLessThan(12 * 2 ** 20);
    expect(r.errors).toEqual([]);
  }, 60_000);
});
