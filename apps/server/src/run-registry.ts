import type { ServerConfig } from './config.ts';
import { HttpError } from './errors.ts';
import { LiveRun, randomId } from './live-run.ts';
import type { RunSpec } from './run-spec.ts';

/**
 * The live runs by id, bounded in number; a run nobody has watched or driven for `idleRunMs`
 * is deleted by a sweep (which itself never keeps the process alive).
 */
export class RunRegistry {
  private readonly runs = new Map<string, LiveRun>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(
    private readonly cfg: ServerConfig,
    private readonly onExpire: (run: LiveRun) => void = () => {},
  ) {
    this.sweeper = setInterval(
      () => this.sweep(),
      Math.max(100, Math.min(cfg.idleRunMs / 4, 60_000)),
    );
    this.sweeper.unref();
  }

  get size(): number {
    return this.runs.size;
  }

  list(): LiveRun[] {
    return [...this.runs.values()];
  }

  /** Create a run (or a fork: `from` is the comparison to copy). */
  create(spec: RunSpec, from?: LiveRun): LiveRun {
    if (this.runs.size >= this.cfg.maxRuns)
      throw new HttpError(
        429,
        'too_many_runs',
        `this server holds at most ${this.cfg.maxRuns} runs (AGELAB_MAX_RUNS); delete one or wait for idle ones to expire`,
      );
    const run = new LiveRun(randomId(), randomId(24), spec, this.cfg, from?.cmp.fork());
    if (from) {
      run.player.speed = from.player.speed;
      run.player.visited = from.cmp.refIndex;
      run.history.copyUpTo(from.history, from.cmp.refIndex);
      run.mapHistory.copyUpTo(from.mapHistory, from.cmp.refIndex);
    }
    this.runs.set(run.id, run);
    return run;
  }

  get(id: string): LiveRun | undefined {
    return this.runs.get(id);
  }

  /** The run, or a 404 naming the id. */
  require(id: string): LiveRun {
    const run = this.runs.get(id);
    if (!run)
      throw new HttpError(
        404,
        'not_found',
        `no run with id "${id}" (it may have expired or been deleted)`,
      );
    return run;
  }

  delete(id: string): boolean {
    const run = this.runs.get(id);
    if (!run) return false;
    run.dispose();
    this.runs.delete(id);
    return true;
  }

  sweep(now = Date.now()): void {
    for (const run of this.runs.values()) {
      if (run.hub.viewers.size > 0) continue;
      if (now - run.lastActive < this.cfg.idleRunMs) continue;
      this.delete(run.id);
      this.onExpire(run);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.runs.keys()]) this.delete(id);
  }
}
