/** Benchmark 4: the stream to one viewer of a 1M-page run while playing. */
import { skipped, type BenchEntry } from './harness.ts';
import { loadBuildApp } from './server-probe.ts';

export function streamBench(): BenchEntry {
  return {
    id: 'stream',
    title: 'Stream to one viewer of a 1M-page run',
    run: async () => {
      const app = await loadBuildApp();
      if (typeof app === 'string') return skipped(app);
      return skipped('server not available: stream benchmark not wired yet');
    },
  };
}
