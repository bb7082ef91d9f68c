/**
 * The parent's handle on the server under test (server-child.ts in a child process): start it,
 * create runs over REST, ask it for its memory and a run's position, stop it. Every wait is
 * bounded; stop() kills the child if it does not leave on its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `gc`: collect garbage first, so heap figures are live data (the child runs with --expose-gc). */
export type ParentRequest =
  { type: 'sample'; id: number; runId?: string; gc?: boolean } | { type: 'stop' };

export type ChildReply =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | {
      type: 'reply';
      id: number;
      rss: number;
      heapUsed: number;
      arrayBuffers: number;
      /** CPU time the server process has used (user + system), µs, and when it was read (epoch ms). */
      cpuMicros: number;
      at: number;
      /** The run's reference index now (-1 if no such run). */
      refIndex: number;
      viewers: number;
      /** Publishes the hub skipped for viewers that were behind (latest-wins), summed. */
      skipped: number;
    };

export type ServerSample = Extract<ChildReply, { type: 'reply' }>;

export interface CreatedRun {
  id: string;
  token: string;
  stream: string;
}

export class ServerProcess {
  private nextId = 1;
  private pending = new Map<number, (s: ServerSample) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (raw: unknown) => {
      const m = raw as ChildReply;
      if (m.type !== 'reply') return;
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
  }

  static start(timeoutMs = 30_000): Promise<ServerProcess> {
    const script = fileURLToPath(new URL('./server-child.ts', import.meta.url));
    const child = fork(script, [], {
      execArgv: ['--expose-gc', '--import', import.meta.resolve('tsx')],
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', (raw: unknown) => {
        const m = raw as ChildReply;
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve(new ServerProcess(child, m.port));
        } else if (m.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`server failed to start: ${m.message}`));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before it was ready: ${stderr.trim()}`));
      });
    });
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async createRun(body: object): Promise<CreatedRun> {
    const res = await fetch(`${this.base}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    if (res.status !== 201) throw new Error(`POST /api/runs: ${res.status} ${await res.text()}`);
    return (await res.json()) as CreatedRun;
  }

  streamUrl(run: CreatedRun, token?: string): string {
    return `ws://127.0.0.1:${this.port}${run.stream}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }

  sample(runId?: string, gc = false, timeoutMs = 10_000): Promise<ServerSample> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('server did not answer a sample request'));
      }, timeoutMs);
      this.pending.set(id, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      this.child.send({ type: 'sample', id, runId, gc } satisfies ParentRequest);
    });
  }

  stop(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.send({ type: 'stop' } satisfies ParentRequest);
    });
  }
}
