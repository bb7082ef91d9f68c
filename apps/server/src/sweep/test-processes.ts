/**
 * For tests and the sweep bench: a real redis-server on a free loopback port (no persistence,
 * its own directory), and `npm run worker` child processes, each stopped by its own pid.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Wait until `pattern` appears in what `child` prints on stdout, or fail after `ms`. */
export function waitForOutput(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  ms: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${pattern} within ${ms} ms; output so far:\n${output()}`));
    }, ms);
    const check = () => {
      if (pattern.test(output())) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`exited (${code}) before ${pattern}; output:\n${output()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

function stopChild(child: ChildProcess, ms = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** Start redis-server for a test; fails (does not skip) when it is not installed. */
export async function startRedis(timeoutMs = 10_000): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'agelab-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const started = new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(
        new Error(`cannot start redis-server (apt-get install -y redis-server): ${e.message}`),
      ),
    );
    waitForOutput(child, () => out, /Ready to accept connections/, timeoutMs).then(resolve, reject);
  });
  try {
    await started;
  } catch (e) {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestWorker {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const WORKER_CLI = fileURLToPath(new URL('../cli/worker.ts', import.meta.url));

/** `npm run worker` as a child process; resolves once it is connected and ready. */
export async function startWorker(
  redisUrl: string,
  args: string[] = [],
  timeoutMs = 20_000,
): Promise<TestWorker> {
  const child = fork(WORKER_CLI, ['--redis', redisUrl, ...args], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const output = () => out;
  await waitForOutput(child, output, /worker ready/, timeoutMs);
  return { child, output, stop: () => stopChild(child) };
}
