import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JobResult, JobSpec } from '@agelab/sim-core';
import type { ThreadReply, ThreadRequest } from './thread-messages.ts';

/**
 * A worker thread's entry: register tsx inside the thread first (Node 20 does not carry the
 * parent's TypeScript loader into worker threads), then load thread.ts.
 */
const THREAD_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((m) => { m.register(); return import(${JSON.stringify(new URL('./thread.ts', import.meta.url).href)}); });`;

interface Task {
  id: number;
  job: JobSpec;
  resolve(r: JobResult): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

export const defaultThreads = (): number => availableParallelism();

/**
 * A fixed number of worker threads running sweep jobs, one job per thread at a time, in the
 * order they were asked for. A thread that dies fails its job and is replaced.
 */
export class SweepPool {
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private cpu = 0;
  private cpuKnown = true;

  constructor(readonly size: number = defaultThreads()) {
    if (!(Number.isInteger(size) && size >= 1))
      throw new Error(`a pool needs ≥ 1 thread, got ${size}`);
  }

  run(job: JobSpec): Promise<JobResult> {
    if (this.closed) return Promise.reject(new Error('the sweep pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.pump();
    });
  }

  /** CPU time the threads spent on finished jobs, ms (null if the OS does not tell). */
  get cpuMs(): number | null {
    return this.cpuKnown ? this.cpu : null;
  }

  /** Jobs waiting for a thread (not counting those running). */
  get waiting(): number {
    return this.queue.length;
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(THREAD_BOOT, { eval: true }), task: null };
    slot.worker.on('message', (reply: ThreadReply) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = null;
      if (reply.ok) {
        if (reply.cpuMs === null) this.cpuKnown = false;
        else this.cpu += reply.cpuMs;
        task.resolve(reply.result);
      } else task.reject(new Error(`job ${task.job.index}: ${reply.error}`));
      this.pump();
    });
    const fail = (err: Error) => {
      this.slots = this.slots.filter((s) => s !== slot);
      slot.task?.reject(err);
      slot.task = null;
      if (!this.closed) this.pump();
    };
    slot.worker.on('error', (e) => fail(e));
    slot.worker.on('exit', (code) => fail(new Error(`a sweep thread exited (${code})`)));
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      const req: ThreadRequest = { id: task.id, job: task.job };
      slot.worker.postMessage(req);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('the sweep pool was closed'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
