/**
 * `npm run worker -- --redis URL [--threads N]`: run queued sweep jobs on this machine's cores
 * until stopped (Ctrl-C lets running jobs finish; a killed worker's jobs are retried elsewhere).
 */
import { parseArgs } from 'node:util';
import { defaultThreads } from '../sweep/pool.ts';
import { REDIS_ENV, startQueueWorker } from '../sweep/queue.ts';

export const WORKER_USAGE = `usage: npm run worker -- --redis URL [--threads N] [--lock-ms MS]

  --redis URL    the Redis the sweeps are queued on (or set ${REDIS_ENV})
  --threads N    jobs run at once, one thread each (default: one per core, here ${defaultThreads()})
  --lock-ms MS   a job whose worker is gone is retried after this long (default 30000)
`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        redis: { type: 'string' },
        threads: { type: 'string' },
        'lock-ms': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${WORKER_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(WORKER_USAGE);
    return 0;
  }
  const redisUrl = values.redis ?? process.env[REDIS_ENV];
  const threads = values.threads === undefined ? defaultThreads() : Number(values.threads);
  const lockMs = values['lock-ms'] === undefined ? 30_000 : Number(values['lock-ms']);
  if (!redisUrl || !Number.isInteger(threads) || threads < 1 || !(lockMs >= 100)) {
    process.stderr.write(
      `${!redisUrl ? `give --redis URL or set ${REDIS_ENV}` : 'bad --threads or --lock-ms'}\n${WORKER_USAGE}`,
    );
    return 2;
  }
  // Lines on stdout, one per job started and finished (tests wait for them).
  const worker = await startQueueWorker({
    redisUrl,
    threads,
    lockDurationMs: lockMs,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`worker ready: ${worker.threads} threads on ${redisUrl}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('worker: finishing running jobs\n');
  await worker.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`worker: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
