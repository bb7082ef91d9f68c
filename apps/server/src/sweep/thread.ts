/**
 * The body of a sweep worker thread: runs the jobs it is sent, one at a time, and posts each
 * result back. Traces are imported once per thread and kept (jobs of a sweep share them).
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { runSweepJob, type TraceTable } from '@agelab/sim-core';
import { loadTraces, traceNames } from '../scenario-loader.ts';
import type { ThreadReply, ThreadRequest } from './thread-messages.ts';

const traceCache = new Map<string, TraceTable>();

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux everywhere it matters). */
const USER_HZ = 100;

/**
 * This thread's CPU time so far (user + system), from Linux's /proc/thread-self/stat; null
 * elsewhere. It lets the bench tell how well threads scale apart from other load on the machine.
 */
function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

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
      const cpu0 = threadCpuMs();
      const result = runSweepJob(req.job, traces);
      const cpu1 = threadCpuMs();
      const cpuMs = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
      const reply: ThreadReply = { id: req.id, ok: true, result, cpuMs };
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
