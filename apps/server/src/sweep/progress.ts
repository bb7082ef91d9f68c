/** Progress of a sweep, counted in runs (job × policy), as the bar, the server and the socket show it. */
export interface SweepProgress {
  done: number;
  total: number;
  elapsedMs: number;
}

export interface ProgressFigures {
  fraction: number;
  /** Runs per second so far (null before the first is done). */
  rate: number | null;
  /** Seconds left at that rate (null while unknown). */
  etaSeconds: number | null;
}

export function progressFigures(p: SweepProgress): ProgressFigures {
  const fraction = p.total ? p.done / p.total : 1;
  const rate = p.done > 0 && p.elapsedMs > 0 ? p.done / (p.elapsedMs / 1000) : null;
  const etaSeconds = rate ? (p.total - p.done) / rate : p.done === p.total ? 0 : null;
  return { fraction, rate, etaSeconds };
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `[########------------] 12/48 runs  25%  3.2 runs/s  ETA 0:11` */
export function formatProgress(p: SweepProgress, width = 24): string {
  const f = progressFigures(p);
  const filled = Math.round(f.fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const rate = f.rate === null ? '– runs/s' : `${f.rate.toFixed(f.rate < 10 ? 2 : 1)} runs/s`;
  const eta = f.etaSeconds === null ? 'ETA –' : `ETA ${formatDuration(f.etaSeconds)}`;
  return `[${bar}] ${p.done}/${p.total} runs  ${Math.floor(f.fraction * 100)}%  ${rate}  ${eta}`;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The bar on stderr: redrawn in place on a terminal (at most 10 times a second), one line every
 * few seconds otherwise (a log file should not fill up with bars).
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private done = 0;
  private drawn = -1;

  constructor(
    private readonly out: ProgressStream,
    private readonly total: number,
    private readonly label = '',
  ) {}

  update(done: number, force = false): void {
    this.done = done;
    const now = Date.now();
    const every = this.out.isTTY ? 100 : 5000;
    if (done === this.drawn || (!force && now - this.lastDraw < every && done < this.total)) return;
    this.lastDraw = now;
    this.drawn = done;
    const line =
      this.label + formatProgress({ done, total: this.total, elapsedMs: now - this.started });
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }

  finish(): void {
    this.update(this.done, true);
    if (this.out.isTTY) this.out.write('\n');
  }
}
