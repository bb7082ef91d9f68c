/**
 * A WebSocket viewer for the stream benchmarks: counts what arrives (bytes and frames by type,
 * keyframe sizes, delta sizes and changed pages) and when. Only headers are read for counting;
 * delta frames are decoded with the protocol package when `decodeDeltas` is set (one viewer),
 * so 200 viewers in this process do not cost more than the server they measure.
 */
import {
  CELLS_DELTA,
  FRAME,
  HEADER_BYTES,
  decodeFrame,
  type ServerMessage,
} from '@agelab/protocol';
import WebSocket from 'ws';

export interface ViewerStats {
  bytes: number;
  frames: number;
  keyframes: number;
  keyframeBytes: number;
  deltas: number;
  deltaBytes: number;
  deltaChangedPages: number;
  /** Latest refIndex received in a page frame, and when (ms, performance.now()). */
  lastRefIndex: number;
  /** (refIndex, arrival ms) of every page frame, for lag against the first receiver. */
  arrivals: { refIndex: number; at: number }[];
}

const emptyStats = (): ViewerStats => ({
  bytes: 0,
  frames: 0,
  keyframes: 0,
  keyframeBytes: 0,
  deltas: 0,
  deltaBytes: 0,
  deltaChangedPages: 0,
  lastRefIndex: -1,
  arrivals: [],
});

export class ViewerClient {
  stats = emptyStats();
  /** Size of the last keyframe received, counted or not (the join keyframe comes before reset). */
  lastKeyframeBytes = 0;
  /** Counting starts at the first frame after reset(); JSON messages are kept for the caller. */
  readonly messages: ServerMessage[] = [];
  private counting = false;
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] =
    [];

  private constructor(
    readonly socket: WebSocket,
    private readonly decodeDeltas: boolean,
    /** Cells of the whole-guest viewport asked for on welcome (a 1024 × 1024 canvas by default). */
    private readonly viewportCells: number,
  ) {
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) =>
      this.onMessage(data, isBinary),
    );
  }

  static connect(
    url: string,
    decodeDeltas = false,
    timeoutMs = 10_000,
    viewportCells = 1 << 20,
  ): Promise<ViewerClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const client = new ViewerClient(ws, decodeDeltas, viewportCells);
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no connection to ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Start counting afresh (after connecting and the first keyframe, say). */
  reset(): void {
    this.stats = emptyStats();
    this.counting = true;
  }

  send(msg: object): void {
    this.socket.send(JSON.stringify(msg));
  }

  /** Resolves with the first JSON message (already received or to come) that passes `test`. */
  waitFor(test: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('timed out waiting for a server message')),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const buf = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    if (!isBinary) {
      const m = JSON.parse(buf.toString('utf8')) as ServerMessage;
      this.messages.push(m);
      // A viewer watches the whole guest, as a dashboard that has just opened does.
      if (m.type === 'welcome')
        this.send({
          type: 'viewport',
          from: 0,
          to: m.guestPages,
          cells: Math.min(m.guestPages, this.viewportCells),
          lens: 'residency',
        });
      for (const w of this.waiters.filter((x) => x.test(m))) w.resolve(m);
      this.waiters = this.waiters.filter((x) => !x.test(m));
      return;
    }
    if (buf.byteLength < HEADER_BYTES) return;
    const type = buf.readUInt8(3);
    // CELLS: flags at payload byte 6; a keyframe has no CELLS_DELTA bit
    const isCells = type === FRAME.CELLS;
    const isDelta = isCells && (buf.readUInt8(HEADER_BYTES + 6) & CELLS_DELTA) !== 0;
    const isKey = isCells && !isDelta;
    if (isKey) this.lastKeyframeBytes = buf.byteLength;
    if (!this.counting) return;
    const s = this.stats;
    const now = performance.now();
    s.bytes += buf.byteLength;
    s.frames++;
    const refIndex = buf.readDoubleLE(16);
    if (isKey) {
      s.keyframes++;
      s.keyframeBytes += buf.byteLength;
    } else if (isDelta) {
      s.deltas++;
      s.deltaBytes += buf.byteLength;
      if (this.decodeDeltas) {
        const f = decodeFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        if (f.type === FRAME.CELLS) s.deltaChangedPages += f.index.length;
      } else s.deltaChangedPages += buf.readUInt32LE(HEADER_BYTES + 12);
    }
    if (isCells) {
      s.lastRefIndex = refIndex;
      s.arrivals.push({ refIndex, at: now });
    }
  }
}
