/**
 * The server under test, in a child process of its own so that its memory and CPU are not mixed
 * with those of the benchmark's viewers. Listens on 127.0.0.1, port chosen by the OS, and answers
 * the parent over IPC (see server-process.ts). Never started by hand.
 */
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { ChildReply, ParentRequest } from './server-process.ts';

const send = (m: ChildReply) => process.send?.(m);

async function main(): Promise<void> {
  // Viewer cap raised for the 200-viewer benchmark, the guest limit and page budget for the
  // 16M-page one;
  // everything else on the server's defaults.
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    AGELAB_MAX_VIEWERS_PER_RUN: '1000',
    AGELAB_MAX_GUEST_MIB: '65536',
    AGELAB_MAX_PAGES: String(2 ** 26),
  });
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('server has no port');
  process.on('message', (raw: unknown) => {
    const m = raw as ParentRequest;
    if (m.type === 'stop') {
      void app.close().finally(() => process.exit(0));
      return;
    }
    if (m.gc) (globalThis as { gc?: () => void }).gc?.();
    const run = m.runId ? app.registry.get(m.runId) : undefined;
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    send({
      type: 'reply',
      id: m.id,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      arrayBuffers: mem.arrayBuffers,
      cpuMicros: cpu.user + cpu.system,
      at: performance.timeOrigin + performance.now(),
      refIndex: run?.cmp.refIndex ?? -1,
      viewers: run?.hub.viewers.size ?? 0,
      skipped: run ? [...run.hub.viewers].reduce((a, v) => a + v.skipped, 0) : 0,
    });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: address.port });
}

main().catch((e: unknown) => {
  send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
