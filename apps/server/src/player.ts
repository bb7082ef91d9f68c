import { C, type Comparison } from '@agelab/sim-core';
import type { CounterHistory } from './history.ts';
import type { MapHistory } from './map-history.ts';

export interface PlayerHooks {
  /** The simulation moved (after each slice): publish what viewers should see. */
  onAdvance(): void;
  /** A play, step or seek started or ended, or the speed changed. */
  onState(): void;
  /**
   * Something threw while the player moved the run on its own (a tick, a coalesced seek): the
   * player has stopped; the run must end, and nothing else is touched (issue 14, fault isolation).
   */
  onFault?(err: unknown): void;
}

export interface PlayerOptions {
  /** Wall milliseconds of simulation per slice before the event loop gets a turn. */
  sliceMs: number;
  /** Playing advances in multiples of this many references, so where a pause lands is reproducible. */
  quantum: number;
  history: CounterHistory;
  /** The address × time history, recorded at the counter history's points when due. */
  mapHistory?: MapHistory;
  now?: () => number;
}

/**
 * Drives a Comparison through time without ever holding the event loop for more than about one
 * slice: playing (at `speed` simulated seconds per wall second), stepping towards a goal
 * (N references, a span of time, a forward seek) or to the next reclaim pass. Each slice is
 * sized from the measured speed of the previous ones. A paused player has no timer at all.
 *
 * Every move goes through `cmp.seek(refIndex + n)` rather than `cmp.step(n)`: seek re-applies
 * the knob changes recorded at their references, which matters after a backward seek, when the
 * recorded future is replayed. Moves stop at history sample points, so the counter history is
 * sampled at the same references however the wall clock paced the run.
 */
export class Player {
  playing = false;
  speed = 1;
  goal: number | null = null;
  /** Furthest reference reached under the current knob log: seeks up to it need no new simulation. */
  visited = 0;
  private reclaimFrom: { passes: number; limit: number } | null = null;
  private credit = 0;
  private lastTick = 0;
  private refsPerMs = 200;
  private timer: { cancel(): void } | null = null;
  private readonly now: () => number;
  /** (wall ms, reference index) after recent slices, for the speed reached. */
  private marks: { t: number; ref: number }[] = [];
  /** A seek waiting for the next turn of the event loop: seeks in between replace it. */
  private pendingSeek: number | null = null;
  private seekTimer: ReturnType<typeof setImmediate> | null = null;

  constructor(
    public cmp: Comparison,
    private readonly hooks: PlayerHooks,
    private readonly opts: PlayerOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.record();
  }

  /** Playing, stepping or seeking: something is scheduled. */
  get busy(): boolean {
    return this.playing || this.goal !== null || this.reclaimFrom !== null;
  }

  /**
   * Simulated seconds per wall second over the last wall second while playing (0 when not).
   * Asked-for speeds a machine cannot keep up with show here as a lower figure.
   */
  speedReached(): number {
    if (!this.playing || this.marks.length < 2) return 0;
    const now = this.now();
    const recent = this.marks.filter((m) => now - m.t <= 1000);
    const first = recent.length >= 2 ? recent[0] : this.marks[this.marks.length - 2];
    const last = this.marks[this.marks.length - 1];
    const dt = Math.max(now, last.t) - first.t;
    return dt > 0 ? ((last.ref - first.ref) / this.cmp.rate) * (1000 / dt) : 0;
  }

  private mark(): void {
    const t = this.now();
    this.marks.push({ t, ref: this.cmp.refIndex });
    while (this.marks.length > 2 && t - this.marks[0].t > 1500) this.marks.shift();
  }

  play(speed?: number): void {
    if (speed !== undefined) this.speed = speed;
    this.stopMotion();
    this.playing = true;
    this.credit = 0;
    this.lastTick = this.now();
    this.marks = [{ t: this.lastTick, ref: this.cmp.refIndex }];
    this.schedule(0);
    this.hooks.onState();
  }

  pause(): void {
    this.stopMotion();
    // The last slice's publish may have been throttled: viewers must see where it stopped.
    this.hooks.onAdvance();
    this.hooks.onState();
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.hooks.onState();
  }

  /** Advance by `n` references (paused afterwards). */
  stepRefs(n: number): void {
    this.stopMotion();
    this.goal = this.cmp.refIndex + Math.max(1, Math.round(n));
    this.schedule(0);
    this.hooks.onState();
  }

  /** Advance until a reclaim pass starts, or at most `maxRefs`. */
  stepToReclaim(maxRefs: number): void {
    this.stopMotion();
    this.reclaimFrom = { passes: this.passes(), limit: this.cmp.refIndex + maxRefs };
    this.schedule(0);
    this.hooks.onState();
  }

  /**
   * Go to any reference. Backward, or forward within what was already simulated, it is done at
   * once from the nearest checkpoint (bounded by the checkpoint interval); past that, the rest is
   * simulated in slices like a step.
   */
  seek(target: number): void {
    // Scrubbing sends seeks many times a second: only the latest of one turn is carried out.
    this.pendingSeek = target;
    this.seekTimer ??= setImmediate(() => {
      this.seekTimer = null;
      const t = this.pendingSeek;
      this.pendingSeek = null;
      if (t !== null) this.guarded(() => this.seekNow(t));
    });
  }

  /** The seek itself (tests and headless callers may call it directly). */
  seekNow(target: number): void {
    this.stopMotion();
    const reach = Math.min(target, this.visited);
    if (reach !== this.cmp.refIndex) this.cmp.seek(reach);
    if (target > this.cmp.refIndex) {
      this.goal = target;
      this.schedule(0);
    }
    this.hooks.onAdvance();
    this.hooks.onState();
  }

  reset(): void {
    this.stopMotion();
    this.cmp.reset();
    this.hooks.onAdvance();
    this.hooks.onState();
  }

  /** A knob change forgets the recorded future (Comparison.setKnob drops its knobs and checkpoints). */
  setKnob(apply: (cmp: Comparison) => void): void {
    apply(this.cmp);
    this.visited = this.cmp.refIndex;
    this.opts.history.truncateAfter(this.cmp.refIndex);
    this.opts.mapHistory?.truncateAfter(this.cmp.refIndex);
    this.hooks.onAdvance();
    this.hooks.onState();
  }

  /** Stop for good (the run is deleted). */
  dispose(): void {
    this.stopMotion();
    if (this.seekTimer) clearImmediate(this.seekTimer);
    this.seekTimer = null;
  }

  private stopMotion(): void {
    this.playing = false;
    this.goal = null;
    this.reclaimFrom = null;
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    if (delayMs <= 0) {
      const h = setImmediate(this.tick);
      this.timer = { cancel: () => clearImmediate(h) };
    } else {
      const h = setTimeout(this.tick, delayMs);
      this.timer = { cancel: () => clearTimeout(h) };
    }
  }

  private passes(): number {
    let n = 0;
    for (const s of this.cmp.sims) n += s.counters[C.sim_reclaim_passes];
    return n;
  }

  /** Run `f`; a throw stops the player and goes to `onFault` instead of up the event loop. */
  private guarded(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.stopMotion();
      this.faulted = true;
      if (this.hooks.onFault) this.hooks.onFault(err);
      else throw err;
    }
  }

  /** A throw ended this player: it moves no more. */
  faulted = false;

  private readonly tick = (): void => this.guarded(this.tickNow);

  private readonly tickNow = (): void => {
    this.timer = null;
    if (this.faulted) return;
    const t0 = this.now();
    const budget = Math.max(1, Math.floor(this.refsPerMs * this.opts.sliceMs));
    const start = this.cmp.refIndex;
    let finished = false;
    if (this.reclaimFrom) {
      finished = this.advanceToReclaim(t0);
    } else if (this.goal !== null) {
      this.advance(Math.min(budget, this.goal - this.cmp.refIndex), t0 + this.opts.sliceMs);
      finished = this.cmp.refIndex >= this.goal;
    } else if (this.playing) {
      const q = this.opts.quantum;
      // Credit is capped: a machine that cannot keep up plays slower, it does not bank a backlog.
      // The cap still covers a quarter second, so a publish or a GC pause between two ticks is
      // made up for rather than lost (losing it made a watched run fall behind its speed).
      this.credit = Math.min(
        this.credit + (this.speed * this.cmp.rate * (t0 - this.lastTick)) / 1000,
        Math.max(2 * Math.max(budget, q), (this.speed * this.cmp.rate) / 4),
      );
      this.lastTick = t0;
      const n = Math.floor(Math.min(this.credit, Math.max(budget, q)) / q) * q;
      if (n > 0) this.credit -= this.advance(n, t0 + this.opts.sliceMs);
    }
    const moved = this.cmp.refIndex - start;
    const dt = this.now() - t0;
    if (this.playing) this.mark();
    if (moved > 0 && !this.reclaimFrom)
      this.refsPerMs = 0.7 * this.refsPerMs + 0.3 * (moved / Math.max(dt, 0.05));
    if (finished) {
      this.goal = null;
      this.reclaimFrom = null;
    }
    // Not busy any more means a forced publish: the frame where a step ends is never throttled away.
    if (moved > 0 || finished) this.hooks.onAdvance();
    if (finished) {
      this.hooks.onState();
      return;
    }
    if (this.goal !== null || this.reclaimFrom) this.schedule(0);
    else if (this.playing) {
      const missing = this.opts.quantum - this.credit;
      const waitMs = missing <= 0 ? 0 : (missing / (this.speed * this.cmp.rate)) * 1000;
      this.schedule(Math.min(Math.max(waitMs, 0), 50) < 1 ? 0 : Math.min(waitMs, 50));
    }
  };

  /**
   * Advance up to n references, stopping at every history sample point to record it. Moves in
   * pieces of one quantum and stops early once `deadline` has passed, so a slice stays short
   * even when references suddenly get dearer (a reclaim storm) than the budget assumed.
   * Returns the references taken (a multiple of the quantum unless it reached the end).
   */
  private advance(n: number, deadline = Infinity): number {
    const start = this.cmp.refIndex;
    const end = start + n;
    const h = this.opts.history;
    const q = this.opts.quantum;
    while (this.cmp.refIndex < end) {
      const due = h.nextDue(this.cmp.refIndex);
      this.cmp.seek(Math.min(end, due, this.cmp.refIndex + q));
      if (this.cmp.refIndex === due) this.record();
      if (this.now() > deadline) break;
    }
    this.visited = Math.max(this.visited, this.cmp.refIndex);
    return this.cmp.refIndex - start;
  }

  private advanceToReclaim(t0: number): boolean {
    const r = this.reclaimFrom!;
    // One reference at a time, so it stops right after the reference that started the pass;
    // slower per reference than bulk moves, so the slice is bounded by the clock instead.
    while (this.cmp.refIndex < r.limit) {
      for (let i = 0; i < 256 && this.cmp.refIndex < r.limit; i++) {
        this.advance(1);
        if (this.passes() !== r.passes) return true;
      }
      if (this.now() - t0 >= this.opts.sliceMs) return false;
    }
    return true;
  }

  private record(): void {
    for (const s of this.cmp.sims) s.host.syncGauges();
    const h = this.opts.history;
    h.record(
      this.cmp.refIndex,
      this.cmp.sims.map((s) => s.counters),
    );
    const m = this.opts.mapHistory;
    if (m) {
      m.atLeast(h.every);
      m.maybeRecord(this.cmp.refIndex, this.cmp.sims);
    }
  }
}
