import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ALL_COUNTERS,
  Comparison,
  EVENT_NAMES,
  HEAT_SECONDS,
  KERNEL_PATHS,
  type KnobName,
} from '@agelab/sim-core';
import {
  HISTORY_CLASSES,
  LEGEND_NOTES,
  PROTOCOL_VERSION,
  TIME_CLASS_REFRESH_MS,
  ProtocolError,
  type LessonState,
  type Role,
  type RunState,
  type WelcomeMsg,
} from '@agelab/protocol';
import type { ServerConfig } from './config.ts';
import { CounterHistory } from './history.ts';
import { DERIVED_NAMES, StreamHub } from './hub.ts';
import { khugepagedProblem, knobProblem } from './knob-ranges.ts';
import { BookmarkFinder } from './bookmarks.ts';
import { MapHistory } from './map-history.ts';
import { Player } from './player.ts';
import { descriptorOf, type RunSpec } from './run-spec.ts';
import { SERIES } from './series.ts';

/** Most references one playing move takes (10 simulated ms at rates up to 1M refs/s). */
export const MAX_QUANTUM_REFS = 10_000;
/** Most references between two checkpoints, so a seek replays at most this many at once. */
export const MAX_CHECKPOINT_REFS = 2_000_000;

/** 128 bits from the OS: unguessable ids and tokens, URL-safe. */
export const randomId = (bytes = 16): string => randomBytes(bytes).toString('base64url');

/** Values a knob may take (the same ranges as REST and descriptors: knob-ranges.ts). */
function checkKnob(knob: KnobName, value: number, guestMiB: number): void {
  const problem = knobProblem(knob, value, guestMiB);
  if (problem) throw new ProtocolError('bad_message', `knob.value: ${problem}`);
}

/**
 * A live run or comparison: its Comparison, the player that moves it, its counter history and
 * the hub that streams it. Only the holder of `token` may drive it.
 */
export class LiveRun {
  readonly player: Player;
  readonly history: CounterHistory;
  readonly mapHistory: MapHistory;
  readonly hub: StreamHub;
  readonly createdAt = Date.now();
  readonly bookmarks: BookmarkFinder;
  /** Wall time within which every page's time-dependent classes are recomputed. */
  readonly timeClassRefreshMs: number;
  /** A page-history replay is running (one at a time per run). */
  historyBusy = false;
  /** A trace.json export is replaying (one at a time per run). */
  traceBusy = false;
  lastActive = Date.now();

  constructor(
    readonly id: string,
    readonly token: string,
    readonly spec: RunSpec,
    cfg: ServerConfig,
    from?: Comparison,
    /** Who created it (quotas count runs and forks by client). */
    readonly origin: { client: string; fork: boolean } = { client: 'local', fork: false },
  ) {
    const s = spec.scenario;
    let cmp = from;
    if (!cmp) {
      cmp = new Comparison(s, spec.policies, spec.seed, {
        maxCheckpointBytes: cfg.maxCheckpointBytes,
        // every 5 simulated s, but at most MAX_CHECKPOINT_REFS apart: a seek replays at most that
        // many references at once whatever the scenario's rate (issue 14, row 4)
        checkpointEveryRefs: Math.max(4096, Math.min(Math.round(5 * s.rate), MAX_CHECKPOINT_REFS)),
      });
      if (spec.knobs.length) {
        cmp.knobLog = spec.knobs.map((k) => ({ ...k }));
        cmp.reset(); // applies the knobs recorded at reference 0; later ones apply as the run reaches them
      }
    }
    this.bookmarks = new BookmarkFinder(s.rate);
    this.history = new CounterHistory(
      spec.policies.length,
      ALL_COUNTERS.names.length,
      (cfg.historySampleMs / 1000) * s.rate,
      cfg.maxHistorySamples,
    );
    // The map history is taken every 8 counter samples (0.8 simulated s by default), each a
    // pass over every page: for guests over 1M pages, 8 × 2^k so a point costs no more per
    // simulated second than at 1M (16M pages: every 12.8 s).
    const pages = cmp.sims[0].guestPages;
    const scale = 2 ** Math.max(0, Math.ceil(Math.log2(pages / 2 ** 20)));
    // The sweep that refreshes time classes costs a pass over the guest per period: 1 s up to
    // 2M pages, proportionally longer past that (16M pages: 8 s).
    this.timeClassRefreshMs = TIME_CLASS_REFRESH_MS * Math.max(1, pages / 2 ** 21);
    this.mapHistory = new MapHistory(
      spec.policies.length,
      pages,
      this.history.every * 8 * scale,
      cfg.maxMapHistoryPoints,
    );
    this.hub = new StreamHub(() => this.cmp, {
      onFault: (err) => this.fail(err),
      maxBufferedBytes: cfg.maxBufferedBytes,
      maxEventsPerFrame: cfg.maxEventsPerFrame,
      sampleEvents: () => this.player.playing,
      speeds: () => ({
        asked: this.player.playing ? this.player.speed : 0,
        reached: this.player.speedReached(),
      }),
      series: this.history,
      mapHistory: this.mapHistory,
      timeClassRefreshMs: this.timeClassRefreshMs,
      behind: () => this.player.playing && this.player.speedReached() < 0.8 * this.player.speed,
    });
    this.player = new Player(
      cmp,
      {
        onAdvance: () => {
          this.findBookmarks();
          this.hub.publish(!this.player?.busy);
        },
        onState: () => {
          // playing samples events, stepping keeps them all
          this.hub.syncEventMode();
          this.hub.broadcast({ type: 'state', state: this.state() });
        },
        onFault: (err) => this.fail(err),
      },
      // Playing moves in steps of 10 simulated ms, so a pause lands on a round reference.
      {
        sliceMs: cfg.sliceMs,
        // 10 simulated ms, but never more than MAX_QUANTUM_REFS references: a slice's work is
        // bounded by references whatever the rate (issue 14, row 4)
        quantum: Math.max(1, Math.min(Math.round(s.rate / 100), MAX_QUANTUM_REFS)),
        history: this.history,
        mapHistory: this.mapHistory,
      },
    );
  }

  get cmp(): Comparison {
    return this.player.cmp;
  }

  /** Where the teacher has the class in a lesson. */
  lesson: LessonState | null = null;

  /** Move the class to a lesson step (or out of the lesson): every viewer follows. */
  setLesson(state: LessonState | null): void {
    this.lesson = state;
    this.hub.broadcast({ type: 'lesson', state });
  }

  /** New notable moments in the counter history: tell every viewer. */
  private findBookmarks(): void {
    if (this.bookmarks.update(this.history, this.cmp))
      this.hub.broadcast({ type: 'bookmarks', bookmarks: this.bookmarks.list(this.cmp) });
  }

  /** The run as it is now described: its spec with the knob log recorded so far. */
  get descriptor(): string {
    return descriptorOf({ ...this.spec, knobs: this.cmp.knobLog.map((k) => ({ ...k })) });
  }

  /** Constant-time: a token must not leak through how long a wrong guess takes to refuse. */
  tokenMatches(token: string | undefined): boolean {
    if (!token) return false;
    const a = Buffer.from(token);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  touch(): void {
    this.lastActive = Date.now();
  }

  state(): RunState {
    const c = this.cmp;
    return {
      playing: this.player.playing,
      speed: this.player.speed,
      refIndex: c.refIndex,
      time: c.time,
      goal: this.player.goal,
      busy: this.player.busy,
      knobLog: c.knobLog.map((k) => ({ ...k })),
      descriptor: this.descriptor,
    };
  }

  welcome(role: Role, cfg: ServerConfig): WelcomeMsg {
    const s = this.spec.scenario;
    return {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      runId: this.id,
      role,
      policies: [...this.spec.policies],
      scenarioName: s.name,
      guestPages: this.cmp.sims[0].guestPages,
      rate: s.rate,
      seconds: s.seconds,
      descriptor: this.descriptor,
      counterNames: [...ALL_COUNTERS.names],
      derivedNames: [...DERIVED_NAMES],
      eventNames: [...EVENT_NAMES],
      kernelPaths: [...KERNEL_PATHS],
      series: SERIES.map((x) => ({ ...x })),
      mapHistory: {
        buckets: this.mapHistory.buckets,
        pagesPerBucket: this.mapHistory.pagesPerBucket,
        classes: [...HISTORY_CLASSES],
      },
      heatSeconds: [...HEAT_SECONDS],
      timeClassRefreshMs: this.timeClassRefreshMs,
      bookmarks: this.bookmarks.list(this.cmp),
      lesson: this.lesson,
      legendNotes: {
        ...LEGEND_NOTES,
        timeClasses: `Heat, and "hot" in belief vs truth, are recomputed for every page at least every ${this.timeClassRefreshMs / 1000} s of wall time; the other classes are current at every frame.`,
      },
      state: this.state(),
      limits: {
        maxMessageBytes: cfg.maxMessageBytes,
        maxMessagesPerSecond: cfg.maxMessagesPerSecond,
        maxCells: cfg.maxCells,
        maxEventsPerSecond: cfg.maxEventsPerSecond,
      },
    };
  }

  /** Turn a knob on every run of the comparison at the current reference, and record it. */
  setKnob(knob: KnobName, value: number): void {
    checkKnob(knob, value, this.spec.scenario.guest.memoryMiB);
    if (knob === 'khugepagedPagesToScan' || knob === 'khugepagedScanSleepMs') {
      const k = this.cmp.sims[0].host.cfg.khugepaged;
      const problem = khugepagedProblem(
        knob === 'khugepagedPagesToScan' ? value : k.pagesToScan,
        knob === 'khugepagedScanSleepMs' ? value : k.scanSleepMs,
      );
      if (problem) throw new ProtocolError('bad_message', `knob.value: ${problem}`);
    }
    this.player.setKnob((cmp) => cmp.setKnob(knob, value));
    this.bookmarks.update(this.history, this.cmp);
    this.hub.broadcast({ type: 'bookmarks', bookmarks: this.bookmarks.list(this.cmp) });
  }

  /** The spec of a fork at the current reference: the same run, with the knobs applied so far. */
  forkSpec(): RunSpec {
    return { ...this.spec, knobs: this.cmp.knobLog.filter((k) => k.at <= this.cmp.refIndex) };
  }

  /** Set when the run ended on an error (`fail`); its viewers were told and closed. */
  failure: string | null = null;
  /** Deleted (or failed): exports and replays of it stop. */
  disposed = false;
  /** Called once when the run fails, so the registry can drop it. */
  onFailed: (run: LiveRun) => void = () => {};

  /**
   * Something inside this run threw while it played: end it with an error to its viewers and
   * close their sockets; every other run, and the process, go on.
   */
  fail(err: unknown): void {
    if (this.failure !== null) return;
    this.failure = err instanceof Error ? err.message : String(err);
    this.player.dispose();
    for (const v of this.hub.viewers) {
      this.hub.sendJson(v, {
        type: 'error',
        code: 'internal',
        message: `this run failed and was ended: ${this.failure}`,
      });
      v.socket.close(1011, 'run failed');
    }
    this.onFailed(this);
  }

  dispose(): void {
    this.disposed = true;
    this.player.dispose();
    this.hub.close();
  }
}
