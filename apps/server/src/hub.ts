import {
  EVENT_NAMES,
  HISTORY_CLASS_COUNT,
  kernelPathId,
  summarize,
  type Comparison,
  type EventBatch,
  type EventKind,
  type Simulation,
} from '@agelab/sim-core';
import {
  CELLS_DELTA,
  FRAME,
  HEADER_BYTES,
  encodeFrame,
  lensId,
  stampSeq,
  type Role,
  type ServerMessage,
} from '@agelab/protocol';
import type { CounterHistory } from './history.ts';
import type { MapHistory } from './map-history.ts';
import { CellView, RunMap, viewportKey, type ViewportSpec } from './map-view.ts';
import { SERIES, seriesSlice } from './series.ts';

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

/** What a viewer asked to see of one run's page map. */
export interface ViewerViewport {
  /** The number the server gave this viewport (CELLS frames carry it). */
  n: number;
  key: string;
  spec: ViewportSpec;
  /** Version of the shared cell view this viewer has; −1: it needs a keyframe. */
  version: number;
}

/** What a viewer subscribed to of the event stream. */
export interface EventSubscription {
  /** Bit k: kind k. */
  kinds: number;
  from: number;
  to: number;
  maxPerSecond: number;
}

export interface Viewer {
  socket: ViewerSocket;
  role: Role;
  /** Frames numbered per connection, so a viewer can see a gap. */
  seq: number;
  /** Missed frames (it was behind): it must resume from keyframes and full series. */
  needsKeyframe: boolean;
  /** Missed a state message while behind: resend the latest with the next keyframe. */
  needsState: boolean;
  /** Publishes skipped because the viewer had more than the allowed bytes queued. */
  skipped: number;
  /** Viewports by run index. */
  viewports: Map<number, ViewerViewport>;
  events: EventSubscription | null;
  /** How much of the series and of the map history it has. */
  series: FeedPosition;
  history: FeedPosition;
}

/** Points of a feed a viewer has, and the epoch they belong to (−1: none yet). */
export interface FeedPosition {
  sent: number;
  epoch: number;
}

/**
 * A growing history (the series, the map history) as frames: at each publish the points new since
 * the last one, shared by every viewer that has all before them; the whole history, built at most
 * once a publish, for a viewer that joined, fell behind, or saw the history rewritten (epoch).
 */
class PointFeed {
  private seen: FeedPosition = { sent: 0, epoch: -1 };
  private from = -1;
  private increment: Uint8Array[] = [];
  private whole: Uint8Array[] | null = null;
  private refIndex = 0;

  constructor(
    private readonly source: { readonly length: number; readonly epoch: number },
    private readonly frames: (
      refIndex: number,
      a: number,
      b: number,
      reset: boolean,
    ) => Uint8Array[],
  ) {}

  /** A publish at `refIndex`: take the points recorded since the last one. */
  advance(refIndex: number): void {
    const { length, epoch } = this.source;
    this.refIndex = refIndex;
    this.whole = null;
    this.from = this.seen.epoch === epoch ? this.seen.sent : -1;
    this.increment =
      this.from >= 0 && length > this.from ? this.frames(refIndex, this.from, length, false) : [];
    this.seen = { sent: length, epoch };
  }

  /** The frames viewer position `pos` needs (all of it when `full`); moves `pos` to the present. */
  deliver(pos: FeedPosition, full: boolean, send: (f: Uint8Array) => void): void {
    const { length, epoch } = this.source;
    if (!full && pos.epoch === epoch && pos.sent === this.from)
      for (const f of this.increment) send(f);
    else for (const f of (this.whole ??= this.frames(this.refIndex, 0, length, true))) send(f);
    pos.sent = length;
    pos.epoch = epoch;
  }
}

export function newViewer(socket: ViewerSocket, role: Role): Viewer {
  return {
    socket,
    role,
    seq: 0,
    needsKeyframe: true,
    needsState: false,
    skipped: 0,
    viewports: new Map(),
    events: null,
    series: { sent: 0, epoch: -1 },
    history: { sent: 0, epoch: -1 },
  };
}

export interface HubOptions {
  /** A forced publish threw (a bug in this run's views): the run must end, nothing else. */
  onFault?: (err: unknown) => void;
  maxBufferedBytes: number;
  maxEventsPerFrame: number;
  /** True while the run plays: events are then sampled to each subscriber's rate. */
  sampleEvents: () => boolean;
  /** The clock a viewer sees: speed asked (0 when paused) and reached. */
  speeds: () => { asked: number; reached: number };
  series: CounterHistory;
  mapHistory: MapHistory;
  /** Publishes at most this often while playing (ms); more rarely when a publish costs more. */
  minPublishIntervalMs?: number;
  /** Wall time within which every page's time-dependent classes are refreshed. */
  timeClassRefreshMs?: number;
  /** The run plays slower than asked: publishing then yields more of the time to it. */
  behind?: () => boolean;
}

/** Lenses with classes that change with the passing of time alone (heat; "hot" in belief). */
const TIME_LENSES = new Set([lensId('belief'), lensId('heat')]);

/** Forced keyframe publishes of one run are at least this far apart. */
export const KEYFRAME_GAP_MS = 200;

/** Derived figures appended to each COUNTERS frame after the kernel counters. */
export const DERIVED_NAMES = ['slowdown'] as const;

/** A cell view shared by every viewer of the same run and viewport. */
interface SharedView {
  run: number;
  view: CellView;
  version: number;
  /** Delta from version − 1 to version, encoded (null: send a keyframe instead). */
  delta: Uint8Array | null;
  keyframe: Uint8Array | null;
  used: boolean;
}

/**
 * Fans one comparison out to its viewers, latest-wins. Per publish it brings each watched run's
 * page map up to date (work proportional to what changed), counts each distinct viewport's cells
 * once and encodes one delta for all its viewers, appends new series and history points, and
 * samples events per subscription. A viewer whose socket holds more than `maxBufferedBytes`
 * unsent gets nothing and resumes from keyframes once it drains, so a viewer that reads nothing
 * costs at most that bound plus one publish, and never slows the simulation.
 */
export class StreamHub {
  readonly viewers = new Set<Viewer>();
  /** Wall time (ms) the last viewer left, or null while anyone watches. */
  unwatchedSince: number | null = Date.now();
  private maps: (RunMap | null)[] = [];
  private mapSims: (Simulation | null)[] = [];
  private views = new Map<string, SharedView>();
  private lastPublish = -Infinity;
  private lastEvents = performance.now();
  private buildCost = 0;
  private sendCost = 0;
  private lastState: ServerMessage | null = null;
  private catchUp: ReturnType<typeof setTimeout> | null = null;
  private forced: ReturnType<typeof setImmediate> | null = null;
  private closed = false;
  private viewportCounter = 0;

  private readonly seriesFeed: PointFeed;
  private readonly historyFeed: PointFeed;

  constructor(
    private readonly getCmp: () => Comparison,
    private readonly opts: HubOptions,
  ) {
    this.seriesFeed = new PointFeed(opts.series, (ref, a, b, reset) =>
      this.seriesFrames(ref, a, b, reset),
    );
    this.historyFeed = new PointFeed(opts.mapHistory, (ref, a, b, reset) =>
      this.historyFrames(ref, a, b, reset),
    );
  }

  /**
   * Events are recorded while someone watches: every kind marks the page map dirty, the kinds
   * someone subscribed to are kept (references only then, they are the most numerous).
   */
  syncEventMode(): void {
    const cmp = this.getCmp();
    if (this.viewers.size === 0) {
      cmp.setEventMode('off');
      return;
    }
    let kinds = 0;
    let rate = 0;
    for (const v of this.viewers)
      if (v.events) {
        kinds |= v.events.kinds;
        rate = Math.max(rate, v.events.maxPerSecond);
      }
    const list = EVENT_NAMES.map((_, k) => k as EventKind).filter((k) => (kinds >>> k) & 1);
    if (this.opts.sampleEvents())
      cmp.setEventMode('sampled', { kinds: list, capacity: Math.max(1024, Math.ceil(rate / 5)) });
    else cmp.setEventMode('all', { kinds: list, capacity: 1 << 20 });
    for (const s of cmp.sims) s.events.trackDirty(s.guestPages);
  }

  add(viewer: Viewer, welcome: ServerMessage): void {
    this.viewers.add(viewer);
    this.unwatchedSince = null;
    this.syncEventMode();
    this.sendJson(viewer, welcome);
    viewer.needsKeyframe = true;
    this.publishSoon();
  }

  remove(viewer: Viewer): void {
    this.viewers.delete(viewer);
    this.syncEventMode();
    if (this.viewers.size === 0) {
      this.unwatchedSince = Date.now();
      for (const s of this.getCmp().sims) s.events.drain();
    }
  }

  /** Watch a viewport of run `run` (all runs when null); returns the number CELLS frames carry. */
  setViewport(viewer: Viewer, runs: number[], spec: ViewportSpec): number {
    const n = ++this.viewportCounter;
    for (const run of runs)
      viewer.viewports.set(run, { n, key: viewportKey(run, spec), spec, version: -1 });
    this.publishSoon();
    return n;
  }

  subscribe(viewer: Viewer, sub: EventSubscription | null): void {
    viewer.events = sub && sub.kinds !== 0 ? sub : null;
    this.syncEventMode();
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
      let ready = false;
      for (const v of this.viewers) {
        if (!v.needsKeyframe && !v.needsState) continue;
        if (v.socket.bufferedAmount > this.opts.maxBufferedBytes) behind = true;
        else ready = true;
      }
      if (ready) this.publishSoon();
      if (behind) this.scheduleCatchUp();
    }, CATCH_UP_MS);
  }

  /**
   * A forced publish on the next turn of the event loop: joins, keyframe requests and viewport
   * changes within one turn share one publish, however many arrive.
   */
  publishSoon(): void {
    if (this.forced || this.closed) return;
    this.forced = setImmediate(() => {
      this.forced = null;
      try {
        this.publish(true);
      } catch (err) {
        if (!this.opts.onFault) throw err;
        this.opts.onFault(err);
      }
    });
  }

  /** Stop the timers (the run is deleted). */
  close(): void {
    this.closed = true;
    if (this.catchUp) clearTimeout(this.catchUp);
    if (this.forced) clearImmediate(this.forced);
    if (this.keyframeTimer) clearTimeout(this.keyframeTimer);
  }

  sendJson(viewer: Viewer, msg: ServerMessage): void {
    if (viewer.socket.readyState === OPEN) viewer.socket.send(JSON.stringify(msg));
  }

  /** Ask for keyframes on the next delivery (the viewer asked, or it saw a gap). */
  requestKeyframe(v: Viewer): void {
    v.needsKeyframe = true;
    // Keyframes of a large run cost megabytes: one forced publish per KEYFRAME_GAP_MS serves
    // everyone who asked in between (a class asking at once, or a flood).
    const wait = this.lastKeyframes + KEYFRAME_GAP_MS - performance.now();
    if (wait <= 0 && !this.keyframeTimer) {
      this.lastKeyframes = performance.now();
      this.publishSoon();
    } else if (!this.keyframeTimer && !this.closed) {
      this.keyframeTimer = setTimeout(
        () => {
          this.keyframeTimer = null;
          this.lastKeyframes = performance.now();
          this.publishSoon();
        },
        Math.max(0, wait),
      );
      this.keyframeTimer.unref();
    }
  }
  private lastKeyframes = -Infinity;
  private keyframeTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Publish the comparison's current state. Throttled while playing, unless `force` (a step or
   * seek just ended, a viewer joined or moved its viewport).
   */
  publish(force = false): void {
    if (this.viewers.size === 0) return;
    const t0 = performance.now();
    // Building frames competes with the simulation: at most a tenth of the time while the run
    // cannot keep up with the speed asked, a third when it can. Sending grows with the class;
    // it may take up to half, so many viewers still get several frames a second.
    const share = this.opts.behind?.() ? 10 : 3;
    const minGap = Math.max(
      this.opts.minPublishIntervalMs ?? 33,
      share * this.buildCost,
      2 * this.sendCost,
    );
    if (!force && t0 - this.lastPublish < minGap) return;
    this.lastPublish = t0;
    const cmp = this.getCmp();
    const refIndex = cmp.refIndex;
    this.updateViews(cmp, refIndex, t0);
    const counters = this.counterFrames();
    this.seriesFeed.advance(refIndex);
    this.historyFeed.advance(refIndex);
    const batches = cmp.sims.map((s) => s.events.drain());
    const dtEvents = Math.max(1, t0 - this.lastEvents) / 1000;
    this.lastEvents = t0;
    const t1 = performance.now();
    // A full rebuild (a join, a restore, a new viewport) is a one-off: throttling the next
    // publishes by it would stall a large guest's viewers for seconds. The throttle follows the
    // cost of publishes that only brought things up to date.
    if (!this.rebuilt) this.buildCost = t1 - t0;
    let behind = false;
    for (const v of this.viewers) {
      if (v.socket.readyState !== OPEN) continue;
      if (v.socket.bufferedAmount > this.opts.maxBufferedBytes) {
        v.needsKeyframe = true;
        v.skipped++;
        behind = true;
        continue;
      }
      this.deliver(v, refIndex, counters, batches, dtEvents);
    }
    if (behind) this.scheduleCatchUp();
    this.sendCost = performance.now() - t1;
  }

  /** Page maps of the watched runs up to date, then every viewport's cells counted once. */
  /** The last updateViews recomputed a whole run map or a new cell view. */
  private rebuilt = false;

  private updateViews(cmp: Comparison, refIndex: number, now: number): void {
    this.rebuilt = false;
    const watched = new Set<number>();
    // Runs someone watches in a lens whose classes change with time alone (belief, heat).
    const timed = new Set<number>();
    for (const v of this.viewers)
      for (const [r, vp] of v.viewports) {
        watched.add(r);
        if (TIME_LENSES.has(vp.spec.lens)) timed.add(r);
      }
    for (const sv of this.views.values()) sv.used = false;
    cmp.sims.forEach((sim, r) => {
      if (!watched.has(r)) {
        this.maps[r] = null; // nobody looks: drop it, rebuild when someone does
        return;
      }
      let map = this.maps[r];
      if (!map || map.pages !== sim.guestPages)
        map = this.maps[r] = new RunMap(sim.guestPages, this.opts.timeClassRefreshMs ?? 1000);
      // A restored simulation (seek back, reset) is another object: recompute all of it.
      const same = this.mapSims[r] === sim && sim.events.dirty !== null;
      map.update(sim, same ? sim.events.dirty : null, now, timed.has(r));
      if (map.full) this.rebuilt = true;
      if (!same) sim.events.trackDirty(sim.guestPages).take();
      this.mapSims[r] = sim;
    });
    for (const v of this.viewers)
      for (const [r, vp] of v.viewports) {
        const map = this.maps[r];
        if (!map || r >= cmp.sims.length) continue;
        let sv = this.views.get(vp.key);
        if (!sv) {
          const view = new CellView(vp.spec);
          view.computeAll(map);
          this.rebuilt = true;
          sv = { run: r, view, version: 0, delta: null, keyframe: null, used: true };
          this.views.set(vp.key, sv);
          continue;
        }
        if (sv.used) continue;
        sv.used = true;
        const changed = sv.view.update(map);
        if (changed.length === 0) {
          sv.delta = null;
          continue;
        }
        sv.version++;
        sv.keyframe = null;
        const per = sv.view.per;
        // A delta costs 4 + per bytes a cell, a keyframe per bytes a cell.
        sv.delta =
          changed.length * (4 + per) < sv.view.spec.cells * per
            ? this.cellsFrame(sv, refIndex, changed)
            : null;
      }
    for (const [key, sv] of this.views) if (!sv.used) this.views.delete(key);
  }

  private cellsFrame(sv: SharedView, refIndex: number, index: Uint32Array | null): Uint8Array {
    const v = sv.view;
    return encodeFrame({
      type: FRAME.CELLS,
      runIndex: sv.run,
      refIndex,
      viewport: 0,
      lens: v.spec.lens,
      classes: v.classes,
      flags: v.flags | (index ? CELLS_DELTA : 0),
      cells: v.spec.cells,
      from: v.spec.from,
      to: v.spec.to,
      index: index ?? new Uint32Array(0),
      values: index ? v.pick(index) : v.values,
    });
  }

  private deliver(
    v: Viewer,
    refIndex: number,
    counters: Uint8Array[],
    batches: EventBatch[],
    dtEvents: number,
  ): void {
    if (v.needsState && this.lastState) this.sendJson(v, this.lastState);
    v.needsState = false;
    const full = v.needsKeyframe;
    v.needsKeyframe = false;
    const send = (f: Uint8Array, viewport?: number) => {
      // A copy per viewer: the frame is shared, its seq (and viewport number) are not.
      const copy = f.slice();
      stampSeq(copy, v.seq++);
      if (viewport !== undefined)
        new DataView(copy.buffer).setUint32(HEADER_BYTES, viewport >>> 0, true);
      v.socket.send(copy);
    };
    for (const [, vp] of v.viewports) {
      const sv = this.views.get(vp.key);
      if (!sv || (!full && vp.version === sv.version)) continue;
      if (!full && vp.version === sv.version - 1 && sv.delta) send(sv.delta, vp.n);
      else {
        sv.keyframe ??= this.cellsFrame(sv, refIndex, null);
        send(sv.keyframe, vp.n);
      }
      vp.version = sv.version;
    }
    for (const f of counters) send(f);
    this.seriesFeed.deliver(v.series, full, send);
    this.historyFeed.deliver(v.history, full, send);
    // Events of a window it partly missed would mislead; counters stay exact.
    if (v.events && !full)
      batches.forEach((b, r) => {
        for (const f of this.eventFrames(b, r, refIndex, v.events!, dtEvents)) send(f);
      });
  }

  private seriesFrames(refIndex: number, a: number, b: number, reset: boolean): Uint8Array[] {
    const cmp = this.getCmp();
    const h = this.opts.series;
    return cmp.sims.map((_, r) => {
      const { at, values } = seriesSlice(h, r, a, b, cmp.rate);
      return encodeFrame({
        type: FRAME.SERIES,
        runIndex: r,
        refIndex,
        reset,
        first: a,
        step: h.every / cmp.rate,
        width: SERIES.length,
        at,
        values,
      });
    });
  }

  private historyFrames(refIndex: number, a: number, b: number, reset: boolean): Uint8Array[] {
    const m = this.opts.mapHistory;
    const frames: Uint8Array[] = [];
    for (let r = 0; r < m.runs; r++) {
      const { at, shares } = m.slice(r, a, b);
      frames.push(
        encodeFrame({
          type: FRAME.MAP_HISTORY,
          runIndex: r,
          refIndex,
          reset,
          first: a,
          buckets: m.buckets,
          classes: HISTORY_CLASS_COUNT,
          at,
          shares,
        }),
      );
    }
    return frames;
  }

  /**
   * One subscriber's EVENTS frames of a run's batch: its kinds and frame range; while playing at
   * most its rate (an even stride, the rest counted as dropped), while stepping every record,
   * in frames of at most maxEventsPerFrame.
   */
  private eventFrames(
    b: EventBatch,
    runIndex: number,
    refIndex: number,
    sub: EventSubscription,
    dt: number,
  ): Uint8Array[] {
    const keep: number[] = [];
    for (let i = 0; i < b.count; i++) {
      if (!((sub.kinds >>> b.kind[i]) & 1)) continue;
      const g = b.gfn[i];
      if (g < sub.from || g >= sub.to) continue;
      keep.push(i);
    }
    if (keep.length === 0 && b.dropped === 0) return [];
    let picked = keep;
    if (this.opts.sampleEvents()) {
      const cap = Math.max(1, Math.floor(sub.maxPerSecond * dt));
      if (keep.length > cap)
        picked = Array.from({ length: cap }, (_, j) => keep[Math.floor((j * keep.length) / cap)]);
    }
    const dropped = b.dropped + keep.length - picked.length;
    const max = Math.max(1, this.opts.maxEventsPerFrame);
    const frames: Uint8Array[] = [];
    for (let start = 0; start < picked.length || frames.length === 0; start += max) {
      const n = Math.max(0, Math.min(max, picked.length - start));
      const kind = new Uint8Array(n);
      const gfn = new Uint32Array(n);
      const arg = new Int32Array(n);
      const at = new Float64Array(n);
      const path = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const j = picked[start + i];
        kind[i] = b.kind[j];
        gfn[i] = b.gfn[j];
        arg[i] = b.arg[j];
        at[i] = b.at[j];
        path[i] = kernelPathId(b.kind[j], b.arg[j], b.site[j]);
      }
      frames.push(
        encodeFrame({
          type: FRAME.EVENTS,
          runIndex,
          refIndex,
          kind,
          gfn,
          arg,
          at,
          path,
          dropped: start === 0 ? dropped : 0,
        }),
      );
    }
    return frames;
  }

  private counterFrames(): Uint8Array[] {
    const cmp = this.getCmp();
    const summary = summarize(cmp); // also syncs the gauges into each counter vector
    const { asked, reached } = this.opts.speeds();
    const playing = this.opts.sampleEvents();
    return cmp.sims.map((sim, r) => {
      const values = new Float64Array(sim.counters.length + DERIVED_NAMES.length);
      values.set(sim.counters);
      values[sim.counters.length] = summary[r].slowdown;
      return encodeFrame({
        type: FRAME.COUNTERS,
        runIndex: r,
        refIndex: cmp.refIndex,
        playing,
        time: cmp.time,
        speedAsked: asked,
        speedReached: reached,
        values,
      });
    });
  }
}

export { EVENT_NAMES };
