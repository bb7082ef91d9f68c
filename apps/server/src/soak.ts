/**
 * The soak (issue 14, "Evidence"): on loopback, at once, for a bounded time —
 *   - `viewers` well-behaved viewers of a playing run, each with a viewport, reading everything;
 *   - a slow viewer of the same run that never reads;
 *   - a flooding client sending far more messages than its rate allows (`{}` and keyframes);
 *   - a keyframe flood: `flooders` sockets, each asking 40 keyframes a second (under the
 *     per-socket rate) of a paused comparison of `floodGuestMiB` × 3 policies, every page
 *     a cell;
 * while /healthz is probed every `probeMs` and the process's memory sampled. The server runs in
 * this process (so the clients' work shares its event loop: the latencies are an upper bound).
 * Used by soak.test.ts (short) and the bench entry `soak` (long).
 */
import { decodeFrame, FRAME } from '@agelab/protocol';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG, type ServerConfig } from './config.ts';

export interface SoakOptions {
  seconds: number;
  viewers: number;
  flooders: number;
  floodGuestMiB: number;
  probeMs?: number;
  config?: Partial<ServerConfig>;
  log?: (line: string) => void;
}

export interface SoakReport {
  seconds: number;
  probes: number;
  healthzMedianMs: number;
  healthzP95Ms: number;
  healthzMaxMs: number;
  /** Probes that got no answer within 2 s. */
  healthzFailed: number;
  /** COUNTERS frames per second of the run, per well-behaved viewer: the least and the median. */
  viewerMinFps: number;
  viewerMedianFps: number;
  /** Frames (of every type) the well-behaved viewers got in all. */
  framesDelivered: number;
  keyframesAsked: number;
  floodSent: number;
  /** Process memory (RSS and heap+external+arrayBuffers, MiB) over time: [seconds, rss, heap]. */
  memory: [number, number, number][];
  /** Heap+external MiB: the highest of the last quarter minus the highest of the second quarter. */
  memoryGrowthMiB: number;
  /** The server-side unsent bytes of the slow viewer at the end. */
  slowViewerBufferedBytes: number;
  errors: string[];
}

const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const s = new WebSocket(url);
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
}

async function post(base: string, body: object): Promise<{ id: string; token: string }> {
  const res = await fetch(`${base}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; token: string };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

export async function soak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => {});
  const probeMs = opts.probeMs ?? 50;
  const errors: string[] = [];
  const app: FastifyInstance = await buildApp(
    { ...DEFAULT_CONFIG, webDist: '/nonexistent', maxRunsPerClient: 64, ...opts.config },
    { logger: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const wsBase = `ws://127.0.0.1:${port}`;
  const sockets: WebSocket[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  try {
    // the playing run everyone watches
    const play = await post(base, { preset: 'classic', policy: 'unmap-emulation' });
    const driver = await open(`${wsBase}/api/runs/${play.id}/stream`);
    sockets.push(driver);
    driver.send(JSON.stringify({ type: 'auth', token: play.token }));
    driver.send(JSON.stringify({ type: 'play', speed: 1 }));
    // the paused large comparison the keyframe flood hits
    const big = await post(base, {
      scenario: {
        name: 'soak-big',
        guest: { memoryMiB: opts.floodGuestMiB },
        host: { memcgLimitMiB: opts.floodGuestMiB / 2, swapMiB: opts.floodGuestMiB },
        workload: { type: 'uniform' },
      },
      policies: ['always-old', 'unmap-emulation', 'ept-ad-bits'],
    });
    const bigPages = opts.floodGuestMiB * 256;

    // well-behaved viewers
    const counts: number[] = Array.from({ length: opts.viewers }, () => 0);
    let frames = 0;
    for (let i = 0; i < opts.viewers; i++) {
      const v = await open(`${wsBase}/api/runs/${play.id}/stream`);
      sockets.push(v);
      v.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) {
          const m = JSON.parse(data.toString()) as { type: string; code?: string };
          if (m.type === 'error' && m.code !== 'rate_limited') errors.push(`viewer: ${m.code}`);
          return;
        }
        frames++;
        const f = decodeFrame(new Uint8Array(data));
        if (f.type === FRAME.COUNTERS) counts[i]++;
      });
      v.send(
        JSON.stringify({ type: 'viewport', from: 0, to: 65536, cells: 1024, lens: 'residency' }),
      );
    }
    // a slow viewer: never reads
    const slow = await open(`${wsBase}/api/runs/${play.id}/stream`);
    sockets.push(slow);
    slow.send(JSON.stringify({ type: 'viewport', from: 0, to: 65536, cells: 65536, lens: 'lru' }));
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    // a flooding client: 2,000 messages a second against a limit of 50
    const flood = await open(`${wsBase}/api/runs/${play.id}/stream`);
    sockets.push(flood);
    let floodSent = 0;
    timers.push(
      setInterval(() => {
        for (let i = 0; i < 100; i++) {
          flood.send(i % 2 ? '{}' : '{"type":"keyframe"}');
          floodSent++;
        }
      }, 50),
    );
    // the keyframe flood
    let keyframesAsked = 0;
    for (let i = 0; i < opts.flooders; i++) {
      const k = await open(`${wsBase}/api/runs/${big.id}/stream`);
      sockets.push(k);
      k.on('message', () => {});
      k.send(
        JSON.stringify({
          type: 'viewport',
          from: 0,
          to: bigPages,
          cells: Math.min(bigPages, DEFAULT_CONFIG.maxCells),
          lens: 'belief',
        }),
      );
      timers.push(
        setInterval(() => {
          k.send('{"type":"keyframe"}');
          keyframesAsked++;
        }, 25),
      );
    }

    // probes and memory
    const latencies: number[] = [];
    let failed = 0;
    const memory: [number, number, number][] = [];
    const t0 = performance.now();
    const sampleMemory = () => {
      const m = process.memoryUsage();
      memory.push([
        Math.round((performance.now() - t0) / 100) / 10,
        Math.round(m.rss / MiB),
        Math.round((m.heapUsed + m.external) / MiB),
      ]);
    };
    timers.push(setInterval(sampleMemory, 250));
    const countsAtStart = [...counts];
    let warm = false;
    const end = t0 + opts.seconds * 1000;
    while (performance.now() < end) {
      const p0 = performance.now();
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        latencies.push(performance.now() - p0);
      } catch (e) {
        failed++;
        errors.push(`healthz: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!warm && performance.now() - t0 > 1000) {
        warm = true;
        countsAtStart.splice(0, countsAtStart.length, ...counts);
      }
      await sleep(Math.max(0, probeMs - (performance.now() - p0)));
    }
    sampleMemory();
    const measured = (performance.now() - t0) / 1000 - 1;
    const fps = counts.map((c, i) => (c - countsAtStart[i]) / measured);
    const q = Math.floor(memory.length / 4);
    const heapMax = (rows: [number, number, number][]) => Math.max(...rows.map((r) => r[2]));
    const growth =
      memory.length >= 8 ? heapMax(memory.slice(3 * q)) - heapMax(memory.slice(q, 2 * q)) : 0;
    const server = [...(app.websocketServer.clients as Set<WebSocket>)];
    const slowBuffered = Math.max(...server.map((s) => s.bufferedAmount));
    log(`soak: ${latencies.length} probes, ${frames} frames, ${floodSent} flood messages`);
    return {
      seconds: opts.seconds,
      probes: latencies.length + failed,
      healthzMedianMs: Math.round(quantile(latencies, 0.5) * 10) / 10,
      healthzP95Ms: Math.round(quantile(latencies, 0.95) * 10) / 10,
      healthzMaxMs: Math.round(Math.max(...latencies) * 10) / 10,
      healthzFailed: failed,
      viewerMinFps: Math.round(Math.min(...fps) * 10) / 10,
      viewerMedianFps: Math.round(quantile(fps, 0.5) * 10) / 10,
      framesDelivered: frames,
      keyframesAsked,
      floodSent,
      memory,
      memoryGrowthMiB: growth,
      slowViewerBufferedBytes: slowBuffered,
      errors: [...new Set(errors)].slice(0, 20),
    };
  } finally {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.terminate();
    await app.close();
  }
}
