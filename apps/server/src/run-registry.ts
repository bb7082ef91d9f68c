import type { ServerConfig } from './config.ts';
import { HttpError } from './errors.ts';
import { LiveRun, randomId } from './live-run.ts';
import type { RunSpec } from './run-spec.ts';

/** Who asked for a run: the remote address, and whether it is a fork. */
export interface RunOrigin {
  client: string;
  fork: boolean;
}

/** Pages a spec holds while live: guest pages × policies (the page budget's unit). */
export const specPages = (spec: RunSpec): number =>
  Math.round(spec.scenario.guest.memoryMiB * 256) * spec.policies.length;

/**
 * The live runs by id, bounded in number, in pages (guest pages × policies, server-wide) and per
 * client (runs and forks by remote address); a run its owner has not driven for `idleRunMs` and
 * that no driver watches is deleted by a sweep (which itself never keeps the process alive).
 * Anonymous viewers and reads do not keep a run alive (issue 14, row 7).
 */
export class RunRegistry {
  private readonly runs = new Map<string, LiveRun>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(
    private readonly cfg: ServerConfig,
    private readonly onExpire: (run: LiveRun) => void = () => {},
    private readonly onFail: (run: LiveRun) => void = () => {},
  ) {
    this.sweeper = setInterval(
      () => this.sweep(),
      Math.max(100, Math.min(cfg.idleRunMs / 4, cfg.unwatchedPauseMs / 2, 60_000)),
    );
    this.sweeper.unref();
  }

  get size(): number {
    return this.runs.size;
  }

  list(): LiveRun[] {
    return [...this.runs.values()];
  }

  /** Guest pages × policies over every live run. */
  get pages(): number {
    let n = 0;
    for (const r of this.runs.values()) n += specPages(r.spec);
    return n;
  }

  /**
   * Create a run (or a fork: `from` is the comparison to copy) for `origin`. A client at its quota
   * makes room by dropping its own oldest run that nobody watches; otherwise 429.
   */
  create(
    spec: RunSpec,
    from?: LiveRun,
    origin: RunOrigin = { client: 'local', fork: from !== undefined },
  ): LiveRun {
    const quota = origin.fork ? this.cfg.maxForksPerClient : this.cfg.maxRunsPerClient;
    const mine = this.list().filter(
      (r) => r.origin.client === origin.client && r.origin.fork === origin.fork,
    );
    if (mine.length >= quota) {
      const spare = mine
        .filter((r) => r.hub.viewers.size === 0)
        .sort((a, b) => a.lastActive - b.lastActive)[0];
      if (!spare)
        throw new HttpError(
          429,
          'too_many_runs',
          `one client may hold at most ${quota} live ${origin.fork ? 'forks' : 'runs'} (${origin.fork ? 'AGELAB_MAX_FORKS_PER_CLIENT' : 'AGELAB_MAX_RUNS_PER_CLIENT'}), all watched; delete one (DELETE /api/runs/:id) first`,
        );
      this.delete(spare.id);
      this.onExpire(spare);
    }
    if (this.runs.size >= this.cfg.maxRuns)
      throw new HttpError(
        429,
        'too_many_runs',
        `this server holds at most ${this.cfg.maxRuns} runs (AGELAB_MAX_RUNS); delete one or wait for idle ones to expire`,
      );
    const want = specPages(spec);
    const used = this.pages;
    if (used + want > this.cfg.maxPages)
      throw new HttpError(
        429,
        'too_many_runs',
        `this run needs ${want} pages (guest pages × policies) and the server's page budget of ${this.cfg.maxPages} (AGELAB_MAX_PAGES) has ${Math.max(0, this.cfg.maxPages - used)} left; delete a run or wait for idle ones to expire`,
      );
    const run = new LiveRun(randomId(), randomId(24), spec, this.cfg, from?.cmp.fork(), origin);
    run.onFailed = (r) => {
      this.delete(r.id);
      this.onFail(r);
    };
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
      // Nobody sees a run that plays with no viewer: it only burns a core until it expires. A
      // reload or a reconnect comes back within seconds; after the grace it is paused (its state
      // is kept, and whoever comes back presses Play).
      const since = run.hub.unwatchedSince;
      if (since !== null && run.player.playing && now - since >= this.cfg.unwatchedPauseMs)
        run.player.pause();
      // only the owner (a driver: the token holder) keeps a run alive
      if ([...run.hub.viewers].some((v) => v.role === 'driver')) continue;
      if (now - run.lastActive < this.cfg.idleRunMs) continue;
      for (const v of run.hub.viewers) {
        run.hub.sendJson(v, {
          type: 'error',
          code: 'not_found',
          message: 'this run expired: its owner left it idle',
        });
        v.socket.close(4404, 'run expired');
      }
      this.delete(run.id);
      this.onExpire(run);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.runs.keys()]) this.delete(id);
  }
}
