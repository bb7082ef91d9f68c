/**
 * The body of a sweep worker thread: runs the jobs it is sent, one at a time, and posts each
 * result back. Traces are imported once per thread and kept (jobs of a sweep share them).
 */
import { parentPort } from 'node:worker_threads';
import { runSweepJob, type TraceTable } from '@agelab/sim-core';
import { loadTraces, traceNames } from '../scenario-loader.ts';
import type { ThreadReply, ThreadRequest } from './thread-messages.ts';

const traceCache = new Map<string, TraceTable>();

async function tracesFor(req: ThreadRequest): Promise<TraceTable | undefined> {
  const names = traceNames(req.job.scenario.workload);
  if (names.length === 0) return undefined;
  const key = names.join('\0');
  let t = traceCache.get(key);
  if (!t) {
    // names are absolute (load-sweep.ts), so the base directory is irrelevant
    t = await loadTraces(req.job.scenario, '/');
    traceCache.set(key, t);
  }
  return t;
}

const port = parentPort;
if (!port) throw new Error('thread.ts runs as a worker thread');
port.on('message', (req: ThreadRequest) => {
  tracesFor(req)
    .then((traces) => {
      const reply: ThreadReply = { id: req.id, ok: true, result: runSweepJob(req.job, traces) };
      port.postMessage(reply);
    })
    .catch((e: unknown) => {
      const reply: ThreadReply = {
        id: req.id,
        ok: false,
        error: (e as Error).message ?? String(e),
      };
      port.postMessage(reply);
    });
});
