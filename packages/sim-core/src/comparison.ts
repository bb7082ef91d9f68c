import { C } from './counters.ts';
import type { EventBatch, EventMode } from './event-log.ts';
import { pagesOf, type Scenario } from './scenario.ts';
import { Simulation } from './simulation.ts';
import { buildReferenceSource, type TraceTable } from './workload/build.ts';
import type { ReferenceSource } from './workload/source.ts';

/** Knobs a person may turn while a run plays; applied to every run of a comparison at the same reference. */
export type KnobName =
  'limitMiB' | 'hotMiB' | 'thp' | 'khugepagedPagesToScan' | 'khugepagedScanSleepMs';
export const KNOB_NAMES: readonly KnobName[] = [
  'limitMiB',
  'hotMiB',
  'thp',
  'khugepagedPagesToScan',
  'khugepagedScanSleepMs',
];

export interface KnobChange {
  /** Reference index at which it applies. */
  at: number;
  knob: KnobName;
  value: number;
}

interface Checkpoint {
  refIndex: number;
  nextKhugepaged: number;
  source: ReferenceSource;
  sims: Simulation[];
  bytes: number;
  /** Wall ms it took to simulate from the previous checkpoint to this one: what a seek replays. */
  cost: number;
}

export interface ComparisonOptions {
  eventMode?: EventMode;
  traces?: TraceTable;
  /** Take a checkpoint every this many references (default: every 5 simulated seconds). */
  checkpointEveryRefs?: number;
  /** Bound on the memory checkpoints may hold; older ones are thinned out past it. */
  maxCheckpointBytes?: number;
  /**
   * Also take a checkpoint once simulating since the last one took this many wall ms (default
   * 100), so an expensive stretch (boot, heavy reclaim) is not one long replay for a seek.
   */
  checkpointWorkMs?: number;
  /** The wall clock (ms) checkpoints are timed by; tests give a clock of their own. */
  now?: () => number;
  /**
   * false: keep no checkpoints at all (a headless run that never seeks, e.g. `npm run sim`):
   * nothing is cloned, and seek, reset, replica and fork throw. Default true.
   */
  checkpoints?: boolean;
}

// sim-core has no platform types; every runtime it runs in (Node, workers, browsers) has this
declare const performance: { now(): number };

const CHUNK = 4096;
/** In `all` mode, deliver to subscribers mid-step once a log holds this many events, so none is lost. */
const DELIVER_AT = 1 << 18;

/** Receives each run's events after every step (and during long steps). */
export type EventListener = (runIndex: number, batch: EventBatch) => void;

/**
 * Several runs of one scenario and seed under different policies, advanced in lockstep on the
 * identical reference stream (one generator feeds them all), so every difference between them is
 * the policy's. A single run is a comparison of one. Owns the clock: references, simulated time,
 * khugepaged wake-ups, knob changes, checkpoints and seeking.
 */
export class Comparison {
  sims: Simulation[];
  refIndex = 0;
  private source: ReferenceSource;
  private nextKhugepaged: number;
  private readonly buf = new Uint32Array(CHUNK);
  private checkpoints: Checkpoint[] = [];
  /** Every knob change, in order of reference; replayed whenever the run passes its reference. */
  private knobs: KnobChange[] = [];
  /** knobs[0..knobCursor) are applied in the current state. */
  private knobCursor = 0;
  private readonly checkpointEvery: number;
  private readonly maxCheckpointBytes: number;
  private readonly checkpointWorkMs: number;
  private readonly keepCheckpoints: boolean;
  /** Where the latest checkpoint was (or, keeping none, would have been) taken. */
  private lastBoundary = 0;
  /** Wall ms spent simulating past the newest checkpoint since it was taken. */
  private workSinceCheckpoint = 0;
  /** Wall ms the newest checkpoint's copy took (a checkpoint is never taken more often than 4×). */
  private checkpointCopyMs = 0;
  private readonly now: () => number;
  private listeners: EventListener[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly policies: readonly string[],
    readonly seed: number,
    private readonly opts: ComparisonOptions = {},
  ) {
    if (policies.length === 0) throw new Error('a comparison needs at least one policy');
    this.sims = policies.map((p) => new Simulation(scenario, p, opts.eventMode ?? 'off'));
    this.source = buildReferenceSource(scenario, seed, opts.traces);
    this.nextKhugepaged = this.khugepagedInterval();
    this.checkpointEvery =
      opts.checkpointEveryRefs ?? Math.max(CHUNK, Math.round(5 * scenario.rate));
    this.maxCheckpointBytes = opts.maxCheckpointBytes ?? 256 * 1024 * 1024;
    this.checkpointWorkMs = opts.checkpointWorkMs ?? 100;
    this.keepCheckpoints = opts.checkpoints ?? true;
    this.now = opts.now ?? (() => performance.now());
    this.checkpoint();
  }

  /** The recorded knob changes. Assigning a log (a shared URL's) takes effect from the next reset or seek. */
  get knobLog(): readonly KnobChange[] {
    return this.knobs;
  }

  set knobLog(log: readonly KnobChange[]) {
    this.knobs = [...log].sort((a, b) => a.at - b.at);
    this.knobCursor = this.knobs.filter((k) => k.at < this.refIndex).length;
  }

  get rate(): number {
    return this.scenario.rate;
  }

  /** Where the checkpoints a seek can restore stand (reference indices, in order). */
  checkpointRefs(): number[] {
    return this.checkpoints.map((c) => c.refIndex);
  }

  /** Simulated seconds since the start. */
  get time(): number {
    return this.refIndex / this.scenario.rate;
  }

  private khugepagedInterval(): number {
    const ms = this.sims[0].host.cfg.khugepaged.scanSleepMs;
    return Math.max(1, Math.round((ms / 1000) * this.scenario.rate));
  }

  setEventMode(mode: EventMode, opts: Parameters<Simulation['events']['setMode']>[1] = {}): void {
    for (const s of this.sims) s.events.setMode(mode, opts);
  }

  /**
   * Subscribe to the runs' events: after every step each run's log is drained to the listeners.
   * Returns the unsubscribe function.
   */
  subscribe(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** After every public move: gauges current in the counter vectors, events delivered. */
  private settle(): void {
    for (const sim of this.sims) sim.host.syncGauges();
    this.deliver(0);
  }

  private deliver(threshold: number): void {
    if (this.listeners.length === 0) return;
    this.sims.forEach((sim, i) => {
      if (sim.events.pending === 0 || sim.events.pending < threshold) return;
      const batch = sim.events.drain();
      for (const l of this.listeners) l(i, batch);
    });
  }

  /** Advance every run by `n` references. */
  step(n: number): void {
    this.advance(n);
    this.settle();
  }

  private advance(n: number): void {
    const end = this.refIndex + Math.max(0, Math.floor(n));
    while (this.refIndex < end) {
      this.applyDueKnobs();
      let k = Math.min(CHUNK, end - this.refIndex, this.nextKhugepaged - this.refIndex);
      if (this.knobCursor < this.knobs.length)
        k = Math.min(k, this.knobs[this.knobCursor].at - this.refIndex);
      const last = this.lastCheckpointAt();
      const nextCp = last + this.checkpointEvery;
      k = Math.min(k, nextCp - this.refIndex);
      // only new ground is timed: a replay of the past takes no checkpoints
      const t0 = this.refIndex >= last ? this.now() : NaN;
      if (k > 0) {
        this.source.fill(this.buf, 0, k);
        for (const s of this.sims) s.consume(this.buf, k, this.refIndex);
        this.refIndex += k;
      }
      if (this.refIndex >= this.nextKhugepaged) {
        for (const s of this.sims) s.khugepagedWake(this.refIndex);
        this.nextKhugepaged = this.refIndex + this.khugepagedInterval();
      }
      if (!Number.isNaN(t0)) this.workSinceCheckpoint += this.now() - t0;
      // Checkpoints only change how far a seek replays, never what it finds (the run is
      // deterministic whatever its chunking), so taking them by wall time is safe.
      if (
        this.refIndex >= nextCp ||
        (this.keepCheckpoints &&
          this.refIndex > last &&
          this.workSinceCheckpoint >= Math.max(this.checkpointWorkMs, 4 * this.checkpointCopyMs))
      )
        this.checkpoint();
      if (this.listeners.length && this.sims[0].events.eventMode === 'all')
        this.deliver(DELIVER_AT);
    }
  }

  /** Advance by a span of simulated time. */
  runFor(seconds: number): void {
    this.step(Math.round(seconds * this.scenario.rate));
  }

  /**
   * Advance until one of the runs starts a reclaim pass (the host ages pages only then), or at
   * most `maxRefs`. Stops right after the reference that caused it. Returns references taken.
   */
  stepToNextReclaim(maxRefs = 10 * this.scenario.rate): number {
    const passes = () => this.sims.reduce((a, s) => a + s.counters[C.sim_reclaim_passes], 0);
    const before = passes();
    const start = this.refIndex;
    while (this.refIndex - start < maxRefs) {
      this.advance(1);
      if (passes() !== before) break;
    }
    this.settle();
    return this.refIndex - start;
  }

  /** Turn a knob now, on every run, and record it. Recording after a backward seek forgets the old future. */
  setKnob(knob: KnobName, value: number): void {
    // The future that was recorded is no longer this run's: forget its knobs and checkpoints
    // (knobs already applied at this very reference stay).
    this.knobs = this.knobs.slice(0, this.knobCursor);
    this.checkpoints = this.checkpoints.filter((c) => c.refIndex <= this.refIndex);
    this.knobs.push({ at: this.refIndex, knob, value });
    this.knobCursor = this.knobs.length;
    this.applyKnob(knob, value);
    this.settle();
  }

  /** Apply the recorded knob changes due at the current reference. */
  private applyDueKnobs(): void {
    while (this.knobCursor < this.knobs.length && this.knobs[this.knobCursor].at <= this.refIndex) {
      const k = this.knobs[this.knobCursor++];
      this.applyKnob(k.knob, k.value);
    }
  }

  private applyKnob(knob: KnobName, value: number): void {
    switch (knob) {
      case 'limitMiB':
        for (const s of this.sims) s.setLimitPages(pagesOf(value), this.refIndex);
        break;
      case 'hotMiB':
        this.source.setHotPages?.(Math.max(1, pagesOf(value)));
        break;
      case 'thp':
        for (const s of this.sims) s.setThp(value !== 0);
        break;
      case 'khugepagedPagesToScan':
        for (const s of this.sims) s.setKhugepaged(value, undefined);
        break;
      case 'khugepagedScanSleepMs':
        for (const s of this.sims) s.setKhugepaged(undefined, value);
        this.nextKhugepaged = Math.min(
          this.nextKhugepaged,
          this.refIndex + this.khugepagedInterval(),
        );
        break;
    }
  }

  private lastCheckpoint(): Checkpoint {
    return this.checkpoints[this.checkpoints.length - 1];
  }

  private lastCheckpointAt(): number {
    return this.keepCheckpoints ? this.lastCheckpoint().refIndex : this.lastBoundary;
  }

  private needCheckpoints(what: string): void {
    if (!this.keepCheckpoints)
      throw new Error(`${what}: this comparison was built with checkpoints: false`);
  }

  private checkpoint(): void {
    if (!this.keepCheckpoints) {
      this.lastBoundary = this.refIndex;
      return;
    }
    if (this.checkpoints.length && this.lastCheckpoint().refIndex === this.refIndex) return;
    const t0 = this.now();
    const sims = this.sims.map((s) => s.clone('off'));
    const bytes = sims.reduce((a, s) => a + s.heapBytes(), 0);
    this.checkpoints.push({
      refIndex: this.refIndex,
      nextKhugepaged: this.nextKhugepaged,
      source: this.source.clone(),
      sims,
      bytes,
      cost: this.checkpoints.length ? this.workSinceCheckpoint : 0,
    });
    this.workSinceCheckpoint = 0;
    this.checkpointCopyMs = this.now() - t0;
    // Thin out: keep the first (reset) and the newest, and drop the one whose two intervals
    // cost the least to replay together, so what is kept is spread evenly by replay time (a
    // seek replays at most the costliest interval; boot costs many times steady state).
    let held = this.checkpoints.reduce((a, c) => a + c.bytes, 0);
    while (held > this.maxCheckpointBytes && this.checkpoints.length > 2) {
      const cps = this.checkpoints;
      let drop = 1;
      for (let i = 2; i < cps.length - 1; i++)
        if (cps[i].cost + cps[i + 1].cost < cps[drop].cost + cps[drop + 1].cost) drop = i;
      held -= cps[drop].bytes;
      cps[drop + 1].cost += cps[drop].cost;
      cps.splice(drop, 1);
    }
  }

  /**
   * Go to any reference index, earlier or later: restore the nearest checkpoint at or before it
   * and replay, re-applying recorded knob changes at their references. Deterministic, so the
   * result equals having run there directly.
   */
  seek(target: number): void {
    this.needCheckpoints('seek');
    target = Math.max(0, Math.floor(target));
    let k = 0;
    for (let i = 0; i < this.checkpoints.length; i++)
      if (this.checkpoints[i].refIndex <= target) k = i;
    const cp = this.checkpoints[k];
    // Forward, a checkpoint between here and the target saves replaying up to it; restoring one
    // costs a copy. Replay costs are known per interval (prorated within the one we are in).
    if (target < this.refIndex) this.restore(cp);
    else if (
      cp.refIndex > this.refIndex &&
      this.replayCost(this.refIndex, k) > this.checkpointCopyMs
    )
      this.restore(cp);
    this.advance(target - this.refIndex);
    this.applyDueKnobs();
    this.settle();
  }

  /** Estimated wall ms to simulate from reference `from` up to checkpoint `k` (which is past it). */
  private replayCost(from: number, k: number): number {
    let ms = 0;
    for (let i = k; i > 0; i--) {
      const a = this.checkpoints[i - 1];
      const b = this.checkpoints[i];
      if (b.refIndex <= from) break;
      ms +=
        a.refIndex >= from ? b.cost : (b.cost * (b.refIndex - from)) / (b.refIndex - a.refIndex);
    }
    return ms;
  }

  /** Back to the start; the knob history is kept (and replayed as the run passes it) unless cleared. */
  reset(clearKnobs = false): void {
    this.needCheckpoints('reset');
    if (clearKnobs) this.knobs = [];
    this.restore(this.checkpoints[0]);
    this.applyDueKnobs();
    this.settle();
  }

  private restore(cp: Checkpoint): void {
    const log = this.sims[0].events;
    this.sims = cp.sims.map((s) => s.clone(log.eventMode));
    for (const s of this.sims) s.events.configureLike(log);
    this.source = cp.source.clone();
    this.refIndex = cp.refIndex;
    this.nextKhugepaged = cp.nextKhugepaged;
    this.workSinceCheckpoint = 0;
    // A checkpoint at R is taken before any knob recorded at R is applied.
    this.knobCursor = this.knobs.filter((k) => k.at < cp.refIndex).length;
  }

  /**
   * A headless copy standing at the nearest checkpoint at or before `target`, with the whole knob
   * log, that takes no checkpoints of its own: for replaying a window of the past (a page's
   * history) without touching this comparison. Events are off until the caller turns them on.
   */
  replica(target: number): Comparison {
    this.needCheckpoints('replica');
    let cp = this.checkpoints[0];
    for (const c of this.checkpoints) if (c.refIndex <= target) cp = c;
    const c = Object.create(Comparison.prototype) as Comparison;
    Object.assign(c, this, {
      sims: cp.sims.map((s) => s.clone('off')),
      source: cp.source.clone(),
      buf: new Uint32Array(CHUNK),
      refIndex: cp.refIndex,
      nextKhugepaged: cp.nextKhugepaged,
      knobs: [...this.knobs],
      knobCursor: this.knobs.filter((k) => k.at < cp.refIndex).length,
      checkpoints: [cp],
      checkpointEvery: Number.MAX_SAFE_INTEGER,
      checkpointWorkMs: Infinity,
      listeners: [],
    });
    return c;
  }

  /** An independent copy at the current reference (a student forks the teacher's run). */
  fork(policies: readonly string[] = this.policies): Comparison {
    this.needCheckpoints('fork');
    const c = Object.create(Comparison.prototype) as Comparison;
    const keep = policies.map((p) => {
      const i = this.policies.indexOf(p);
      if (i < 0) throw new Error(`fork: policy "${p}" is not part of this comparison`);
      return i;
    });
    Object.assign(c, this, {
      policies: [...policies],
      sims: keep.map((i) => this.sims[i].clone()),
      source: this.source.clone(),
      buf: new Uint32Array(CHUNK),
      knobs: this.knobs.slice(0, this.knobCursor),
      checkpoints: [],
      listeners: [],
    });
    c.checkpoints = [
      ...this.checkpoints
        .filter((cp) => cp.refIndex <= this.refIndex)
        .map((cp) => ({ ...cp, sims: keep.map((i) => cp.sims[i]) })),
    ];
    return c;
  }
}
