/**
 * The shapes of the REST replies the dashboard reads (docs/protocol.md), in one place for the
 * server that sends them and the web app that checks and draws them.
 */
import type { Knob } from './control.ts';
import type { LensName } from './lenses.ts';

// ---- a page's history: GET /api/runs/:id/pages/:gfn/history ----

/** One event that touched the page, as the page inspector shows it. */
export interface PageEvent {
  refIndex: number;
  /** Simulated seconds. */
  time: number;
  kind: string;
  arg: number;
  /** The kernel call path that raised it. */
  path: string;
  /** The memcg reclaim pass it happened in (sim_reclaim_passes numbering, from 1), null outside one. */
  pass: number | null;
  /** For `age`: what kvm_age_rmapp / page_referenced answered; for `false_verdict`: which error. */
  verdict?: 'young' | 'old' | 'false old' | 'false young';
}

export interface PageHistoryRun {
  policy: string;
  events: PageEvent[];
  /** Events beyond the cap were left out (the window was too busy). */
  truncated: boolean;
  /** The page at the end of the window: its class in every lens, and the guest's last touch. */
  end: { classes: Record<string, string>; lastTouch: number | null };
}

export interface PageHistory {
  gfn: number;
  from: number;
  to: number;
  runs: PageHistoryRun[];
}

// ---- lessons: GET /api/lessons, /api/lessons/:name ----

export interface LessonStep {
  title: string;
  text: string;
  /** What to look at, in one sentence. */
  look: string;
  set: {
    lens?: LensName;
    /** Simulated seconds to seek to. */
    time?: number;
    knob?: { name: Knob; value: number };
  };
}

export interface Lesson {
  name: string;
  title: string;
  preset: string;
  policies: string[];
  summary: string;
  steps: LessonStep[];
}

/** A line of `GET /api/lessons`. */
export interface LessonInfo {
  name: string;
  title: string;
  preset: string;
  summary: string;
  /** How many steps it has. */
  steps: number;
}

// ---- classic replacement: POST /api/classic, /api/classic/trace ----

export interface ClassicSteps {
  frameCount: number;
  /** references × frameCount page numbers, reference-major; -1 is an empty frame. */
  frames: number[];
  /** 1 where the reference faulted. */
  faultAt: number[];
  /** The page evicted at each reference, or -1. */
  evicted: number[];
}

export interface ClassicResult {
  policy: string;
  faults: number;
  hits: number;
  hitRatio: number;
  steps?: ClassicSteps;
}

export interface ClassicAnswer {
  references: number;
  distinctPages: number;
  format: string;
  compressed: boolean;
  frames: number;
  results: ClassicResult[];
  curve: { frames: number; faults: Record<string, number> }[];
  /** Dense ids were used: page numbers in the steps are original numbers. */
  renumbered: boolean;
}

// ---- sweeps: /api/sweeps ----

export type SweepState = 'running' | 'done' | 'failed';

export interface SweepStatus {
  id: string;
  name: string;
  state: SweepState;
  done: number;
  total: number;
  jobs: number;
  elapsedSeconds: number;
  runsPerSecond: number | null;
  etaSeconds: number | null;
  error?: string;
  /** The result routes, once the server has said where they are. */
  links?: Record<string, string>;
}
