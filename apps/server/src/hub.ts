import {
  EVENT_NAMES,
  pageView,
  summarize,
  type Comparison,
  type EventBatch,
} from '@agelab/sim-core';
import { FRAME, encodeFrame, stampSeq, type Role, type ServerMessage } from '@agelab/protocol';

/** The part of a ws WebSocket the hub uses (so tests can count what it sends). */
export interface ViewerSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

const OPEN = 1;
/** How often a hub checks whether a viewer that fell behind has drained its socket. */
const CATCH_UP_MS = 50;

export interface Viewer {
  socket: ViewerSocket;
  role: Role;
  /** Frames numbered per connection, so a viewer can see a gap. */
  seq: number;
  /** Missed frames (it was behind): it must resume from a keyframe. */
  needsKeyframe: boolean;
  /** Missed a state message while behind: resend the latest with the next keyframe. */
  needsState: boolean;
  /** Publishes skipped because the viewer had more than the allowed bytes queued. */
  skipped: number;
}

export interface HubOptions {
  maxBufferedBytes: number;
  maxEventsPerFrame: number;
  /** True while the run plays: events are then sampled down to one frame per run and publish. */
  sampleEvents: () => boolean;
  /** Publishes at most this often while playing (ms); more rarely when a publish costs more. */
  minPublishIntervalMs?: number;
}

/** Derived figures appended to each COUNTERS frame after the kernel counters. */
export const DERIVED_NAMES = ['slowdown'] as const;

/**
 * Fans one comparison out to its viewers, latest-wins. Each publish computes the page view of
 * every run once, and the delta against the previous publish once, as shared encoded frames.
 * A viewer whose socket holds more than `maxBufferedBytes` unsent gets nothing from this publish
 * and is marked to resume from a keyframe; so a viewer that reads nothing costs the server at
 * most that bound plus one publish, and never slows the simulation.
 */
export class StreamHub {
  readonly viewers = new Set<Viewer>();
  private prev: Uint8Array[] = [];
  private cur: Uint8Array[] = [];
  private lastPublish = -Infinity;
  /** Wall time the last publish spent building frames (page views, deltas, counters, events). */
  private buildCost = 0;
  /** Wall time the last publish spent handing frames to the viewers' sockets. */
  private sendCost = 0;
  private lastState: ServerMessage | null = null;
  /** Keyframes of the latest publish, built once for however many viewers need one. */
  private keyframes: Uint8Array[] | null = null;
  private publishedRef = 0;
  private catchUp: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly getCmp: () => Comparison,
    private readonly opts: HubOptions,
  ) {}

  /** Events are recorded only while someone watches; a run nobody watches pays nothing for them. */
  private syncEventMode(): void {
    this.getCmp().setEventMode(this.viewers.size > 0 ? 'all' : 'off');
  }

  add(viewer: Viewer, welcome: ServerMessage): void {
    this.viewers.add(viewer);
    this.syncEventMode();
    this.sendJson(viewer, welcome);
    viewer.needsKeyframe = true;
    // The newcomer starts from a keyframe of the present; the others get a delta of it.
    this.publish(true);
  }

  remove(viewer: Viewer): void {
    this.viewers.delete(viewer);
    this.syncEventMode();
    if (this.viewers.size === 0) for (const s of this.getCmp().sims) s.events.drain();
  }

  /** A JSON message to every viewer (state changes); a viewer that is behind gets it later. */
  broadcast(msg: ServerMessage): void {
    if (msg.type === 'state') this.lastState = msg;
    for (const v of this.viewers) {
      if (v.socket.bufferedAmount > this.opts.maxBufferedBytes) {
        v.needsState = true;
        this.scheduleCatchUp();
      } else this.sendJson(v, msg);
    }
  }

  /**
   * A viewer that fell behind must get the present once its socket drains, even if the run has
   * stopped and nothing else would be published: poll its buffer while any viewer is behind.
   */
  private scheduleCatchUp(): void {
    if (this.catchUp || this.closed) return;
    this.catchUp = setTimeout(() => {
      this.catchUp = null;
      let behind = false;
      for (const v of this.viewers) {
        if (!v.needsKeyframe && !v.needsState) continue;
        if (v.socket.bufferedAmount > this.opts.maxBufferedBytes) behind = true;
        else this.deliver(v, null, this.counterFrames());
      }
      if (behind) this.scheduleCatchUp();
    }, CATCH_UP_MS);
  }

  /** Stop the catch-up timer (the run is deleted). */
  close(): void {
    this.closed = true;
    if (this.catchUp) clearTimeout(this.catchUp);
  }

  sendJson(viewer: Viewer, msg: ServerMessage): void {
    if (viewer.socket.readyState === OPEN) viewer.socket.send(JSON.stringify(msg));
  }

  /**
   * Publish the comparison's current state. Throttled while playing (a 1M-page guest costs
   * milliseconds per page view), unless `force` (a step or seek just ended).
   */
  publish(force = false): void {
    if (this.viewers.size === 0) return;
    const t0 = performance.now();
    // Building frames competes with the simulation: at most a tenth of the time. Sending grows
    // with the class; it may take up to half, so many viewers still get several frames a second.
    const minGap = Math.max(
      this.opts.minPublishIntervalMs ?? 33,
      10 * this.buildCost,
      2 * this.sendCost,
    );
    if (!force && t0 - this.lastPublish < minGap) return;
    this.lastPublish = t0;
    const cmp = this.getCmp();
    const refIndex = cmp.refIndex;
    const deltas: Uint8Array[] = [];
    cmp.sims.forEach((sim, r) => {
      const n = sim.guestPages;
      if (this.cur[r]?.length !== n) this.cur[r] = new Uint8Array(n);
      pageView(sim, this.cur[r]);
      const prev = this.prev[r];
      deltas.push(
        prev && prev.length === n
          ? encodeDelta(prev, this.cur[r], r, refIndex)
          : this.keyframeOf(this.cur[r], r, refIndex),
      );
    });
    [this.prev, this.cur] = [this.cur, this.prev];
    this.publishedRef = refIndex;
    const counters = this.counterFrames();
    // While playing fast the events are sampled (counters stay exact); while stepping, all of them
    // go out, in as many frames as it takes.
    const sample = this.opts.sampleEvents();
    const events = cmp.sims.flatMap((sim, r) =>
      encodeEvents(sim.events.drain(), r, refIndex, this.opts.maxEventsPerFrame, sample),
    );
    this.keyframes = null;
    const t1 = performance.now();
    this.buildCost = t1 - t0;
    for (const v of this.viewers) {
      if (v.socket.bufferedAmount > this.opts.maxBufferedBytes) {
        v.needsKeyframe = true;
        v.skipped++;
        this.scheduleCatchUp();
        continue;
      }
      this.deliver(v, deltas, counters, events);
    }
    this.sendCost = performance.now() - t1;
  }

  /** Send one publish to one viewer: page frames (keyframes if it needs them), counters, events. */
  private deliver(
    v: Viewer,
    pages: Uint8Array[] | null,
    counters: Uint8Array[],
    events: Uint8Array[] = [],
  ): void {
    if (v.socket.readyState !== OPEN) return;
    if (v.needsState && this.lastState) this.sendJson(v, this.lastState);
    v.needsState = false;
    if (v.needsKeyframe) {
      this.keyframes ??= this.prev.map((p, r) => this.keyframeOf(p, r, this.publishedRef));
      pages = this.keyframes;
      v.needsKeyframe = false;
      events = []; // events of a window it partly missed would mislead; counters stay exact
    }
    for (const f of [...(pages ?? []), ...counters, ...events]) {
      // A copy per viewer: the frame is shared, its seq is not, and ws may hold the buffer queued.
      const copy = f.slice();
      stampSeq(copy, v.seq++);
      v.socket.send(copy);
    }
  }

  private keyframeOf(pages: Uint8Array, runIndex: number, refIndex: number): Uint8Array {
    return encodeFrame({ type: FRAME.KEYFRAME, runIndex, refIndex, pages });
  }

  private counterFrames(): Uint8Array[] {
    const cmp = this.getCmp();
    const summary = summarize(cmp); // also syncs the gauges into each counter vector
    return cmp.sims.map((sim, r) => {
      const values = new Float64Array(sim.counters.length + DERIVED_NAMES.length);
      values.set(sim.counters);
      values[sim.counters.length] = summary[r].slowdown;
      return encodeFrame({ type: FRAME.COUNTERS, runIndex: r, refIndex: cmp.refIndex, values });
    });
  }

  /** Ask for a keyframe on the next delivery (the viewer asked, or it saw a gap). */
  requestKeyframe(v: Viewer): void {
    v.needsKeyframe = true;
    this.publish(true);
  }
}

/** Changed pages between two views, or a keyframe when that is smaller (5 bytes a change vs 1 a page). */
function encodeDelta(
  prev: Uint8Array,
  cur: Uint8Array,
  runIndex: number,
  refIndex: number,
): Uint8Array {
  const n = cur.length;
  let changed = 0;
  for (let g = 0; g < n; g++) if (prev[g] !== cur[g]) changed++;
  if (changed * 5 >= n)
    return encodeFrame({ type: FRAME.KEYFRAME, runIndex, refIndex, pages: cur });
  const index = new Uint32Array(changed);
  const value = new Uint8Array(changed);
  for (let g = 0, k = 0; g < n; g++) {
    if (prev[g] === cur[g]) continue;
    index[k] = g;
    value[k++] = cur[g];
  }
  return encodeFrame({ type: FRAME.DELTA, runIndex, refIndex, index, value });
}

/** While stepping, a publish carries up to this many EVENTS frames per run (then it samples too). */
const STEP_FRAMES = 10;

/**
 * EVENTS frames of at most `max` records each. Sampled (playing): one frame, an even stride
 * through the batch when it is larger. Stepping: every record, over up to STEP_FRAMES frames;
 * only a step so long that it exceeds that is sampled, so one publish stays bounded.
 */
function encodeEvents(
  b: EventBatch,
  runIndex: number,
  refIndex: number,
  max: number,
  sample: boolean,
): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const keep = Math.min(b.count, sample ? max : max * STEP_FRAMES);
  const pick = (i: number) => (keep === b.count ? i : Math.floor((i * b.count) / keep));
  for (let start = 0; start < keep || frames.length === 0; start += Math.max(1, max)) {
    const n = Math.min(Math.max(1, max), keep - start);
    const kind = new Uint8Array(Math.max(0, n));
    const gfn = new Uint32Array(kind.length);
    const arg = new Int32Array(kind.length);
    const at = new Float64Array(kind.length);
    for (let i = 0; i < kind.length; i++) {
      const j = pick(start + i);
      kind[i] = b.kind[j];
      gfn[i] = b.gfn[j];
      arg[i] = b.arg[j];
      at[i] = b.at[j];
    }
    const dropped = start === 0 ? b.dropped + b.count - keep : 0;
    frames.push(
      encodeFrame({ type: FRAME.EVENTS, runIndex, refIndex, kind, gfn, arg, at, dropped }),
    );
  }
  return frames;
}

export { EVENT_NAMES };
