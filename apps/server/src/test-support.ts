/**
 * Helpers for the server's tests: a listening app on a free port, and a WebSocket viewer that
 * decodes what it receives and can wait for a message or frame matching a predicate.
 */
import {
  CELLS_DELTA,
  FRAME,
  decodeFrame,
  parseServerMessage,
  type ClientMessage,
  type Frame,
  type ServerMessage,
} from '@agelab/protocol';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG, type ServerConfig } from './config.ts';

export async function listeningApp(
  overrides: Partial<ServerConfig> = {},
): Promise<{ app: FastifyInstance; base: string; ws: string }> {
  const app = await buildApp(
    { ...DEFAULT_CONFIG, webDist: '/nonexistent', ...overrides },
    { logger: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { app, base: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
}

export async function createRun(
  app: FastifyInstance,
  body: object,
): Promise<{ id: string; token: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/runs', payload: body });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A socket on `run` that has read its welcome and holds the driver's role (auth with its token). */
export async function openDriver(
  ws: string,
  run: { id: string; token: string },
): Promise<TestViewer> {
  const v = await TestViewer.open(`${ws}/api/runs/${run.id}/stream`);
  await v.json('welcome');
  await v.request({ type: 'auth', token: run.token }, 1);
  return v;
}

type Item = { kind: 'json'; msg: ServerMessage } | { kind: 'frame'; frame: Frame };

/** A viewer: every message and frame it got, in order, and a way to wait for the next one that matches. */
export class TestViewer {
  readonly items: Item[] = [];
  private waiters: { pred: (i: Item) => boolean; from: number; resolve: (i: Item) => void }[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const item: Item = isBinary
        ? { kind: 'frame', frame: decodeFrame(new Uint8Array(data)) }
        : { kind: 'json', msg: parseServerMessage(data.toString()) };
      this.items.push(item);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(item)) return true;
        w.resolve(item);
        return false;
      });
    });
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async open(url: string): Promise<TestViewer> {
    const socket = new WebSocket(url);
    const v = new TestViewer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return v;
  }

  send(msg: ClientMessage | string): void {
    this.socket.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The next item (received from now on, or already received after index `from`) matching `pred`. */
  next(pred: (i: Item) => boolean, from = this.items.length, timeoutMs = 20_000): Promise<Item> {
    const found = this.items.slice(from).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
      this.waiters.push({
        pred,
        from,
        resolve: (i) => {
          clearTimeout(t);
          resolve(i);
        },
      });
    });
  }

  /** The first message of `type` at or after item `from` (default: since the socket opened). */
  async json<T extends ServerMessage['type']>(
    type: T,
    from = 0,
    extra: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const i = await this.next(
      (it) =>
        it.kind === 'json' &&
        it.msg.type === type &&
        extra(it.msg as Extract<ServerMessage, { type: T }>),
      from,
    );
    if (i.kind !== 'json') throw new Error('unreachable');
    return i.msg as Extract<ServerMessage, { type: T }>;
  }

  /** Send a message with an id and wait for its ack (or error) reply. */
  async request(msg: ClientMessage, id: number): Promise<ServerMessage> {
    const from = this.items.length;
    this.send({ ...msg, id });
    const i = await this.next(
      (it) => it.kind === 'json' && 'id' in it.msg && it.msg.id === id,
      from,
    );
    if (i.kind !== 'json') throw new Error('unreachable');
    return i.msg;
  }

  frames(from = 0): Frame[] {
    return this.items.slice(from).flatMap((i) => (i.kind === 'frame' ? [i.frame] : []));
  }

  close(): void {
    this.socket.close();
  }
}

/** Wait until `cond` holds (polling), or fail after `timeoutMs`. */
export async function until(
  cond: () => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A viewer's copy of each run's cells, kept from CELLS keyframes and deltas (latest viewport). */
export class CellMirror {
  values: Uint8Array[] = [];
  private viewport: number[] = [];

  reset(): void {
    this.values = [];
    this.viewport = [];
  }

  apply(f: Frame): void {
    if (f.type !== FRAME.CELLS) return;
    const r = f.runIndex;
    if ((this.viewport[r] ?? -1) > f.viewport) return; // a stale viewport
    const per = f.values.length / Math.max(1, f.flags & CELLS_DELTA ? f.index.length : f.cells);
    if (!(f.flags & CELLS_DELTA) || this.viewport[r] !== f.viewport) {
      if (f.flags & CELLS_DELTA) return; // a delta of a viewport we have no keyframe of
      this.values[r] = f.values.slice();
      this.viewport[r] = f.viewport;
      return;
    }
    f.index.forEach((c, i) =>
      this.values[r].set(f.values.subarray(i * per, (i + 1) * per), c * per),
    );
  }
}

/** The series points each run has received (SERIES frames appended, or reset). */
export class SeriesMirror {
  at: number[][] = [];
  values: number[][] = [];
  width = 0;

  constructor(frames: Frame[]) {
    for (const f of frames) {
      if (f.type !== FRAME.SERIES) continue;
      const r = f.runIndex;
      this.width = f.width;
      if (f.reset || !this.at[r]) {
        this.at[r] = [];
        this.values[r] = [];
      }
      this.at[r].length = f.first;
      this.values[r].length = f.first * f.width;
      this.at[r].push(...f.at);
      this.values[r].push(...f.values);
    }
  }

  value(run: number, point: number, series: number): number {
    return this.values[run][point * this.width + series];
  }
}
