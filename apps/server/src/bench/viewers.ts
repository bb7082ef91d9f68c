/** Benchmark 5: 1, 50 and 200 concurrent viewers of one playing run on loopback. */
import { skipped, type BenchEntry } from './harness.ts';
import { loadBuildApp } from './server-probe.ts';

export function viewersBench(): BenchEntry {
  return {
    id: 'viewers',
    title: 'Concurrent WebSocket viewers of one playing run',
    run: async () => {
      const app = await loadBuildApp();
      if (typeof app === 'string') return skipped(app);
      return skipped('server not available: viewers benchmark not wired yet');
    },
  };
}
