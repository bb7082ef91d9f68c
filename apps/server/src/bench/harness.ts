/**
 * The benchmark harness: an entry is one module exporting a BenchEntry; the registry lists them.
 * Entries measure and describe; the harness runs them one after another (never in parallel, so
 * they do not share the CPU), times them and collects their results for the console and for
 * BENCHMARKS.md. Speed is measured here and never asserted in a test.
 */

/** One measured quantity. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/**
 * A subject figure set against a baseline measured in the same run (so both share the machine's
 * noise). `ratio` is subject / baseline; `meaning` says how to read it.
 */
export interface BaselineRatio {
  subject: string;
  baseline: string;
  ratio: number;
  meaning: string;
}

/** met: true or false when measured; null when the goal could not be measured this run. */
export interface GoalStatus {
  text: string;
  met: boolean | null;
  /** How far from (or past) the goal, in words: "0.09 × the bare loop; goal ≥ 0.5". */
  detail: string;
}

export interface BenchResult {
  /** 'skipped' when a precondition is missing (e.g. no server): a clean "not measured", not a failure. */
  status: 'measured' | 'skipped';
  figures: Figure[];
  ratios: BaselineRatio[];
  goal?: GoalStatus;
  /** How it was measured (workload, repetitions, what the baseline is). */
  method: string;
  /** What stands in the way of an unmet goal, or why nothing was measured. */
  obstacle?: string;
  /** Readings of the figures worth a sentence (what limits them, how they compare). */
  notes?: string[];
}

export interface BenchContext {
  /** A smoke run: fewer repetitions, shorter streams, same code paths. */
  quick: boolean;
  /** Progress lines while an entry runs (the console in main, nothing in tests). */
  log(line: string): void;
}

export interface BenchEntry {
  id: string;
  title: string;
  /** The goal from the issue, in words, if the benchmark has one. */
  goal?: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface EntryOutcome {
  entry: BenchEntry;
  result: BenchResult;
  wallSeconds: number;
  /** Set when run() threw: the harness records the failure and goes on with the next entry. */
  error?: string;
}

/** Run entries sequentially; `onDone` sees each outcome as soon as it exists. */
export async function runEntries(
  entries: readonly BenchEntry[],
  ctx: BenchContext,
  onDone: (o: EntryOutcome) => void = () => {},
): Promise<EntryOutcome[]> {
  const out: EntryOutcome[] = [];
  for (const entry of entries) {
    const t0 = performance.now();
    let outcome: EntryOutcome;
    try {
      const result = await entry.run(ctx);
      outcome = { entry, result, wallSeconds: (performance.now() - t0) / 1000 };
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      outcome = {
        entry,
        result: {
          status: 'skipped',
          figures: [],
          ratios: [],
          method: '',
          obstacle: `failed: ${message.split('\n')[0]}`,
        },
        wallSeconds: (performance.now() - t0) / 1000,
        error: message,
      };
    }
    out.push(outcome);
    onDone(outcome);
  }
  return out;
}

/** A result for an entry whose precondition is missing. */
export function skipped(reason: string, method = ''): BenchResult {
  return { status: 'skipped', figures: [], ratios: [], method, obstacle: reason };
}
