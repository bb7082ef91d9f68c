import { describe, expect, it } from 'vitest';
import { ProgressBar, formatDuration, formatProgress } from './progress.ts';

describe('progress', () => {
  it('shows done/total, the share, the rate and the time left', () => {
    expect(formatProgress({ done: 12, total: 48, elapsedMs: 4000 }, 8)).toBe(
      '[##------] 12/48 runs  25%  3.00 runs/s  ETA 0:12',
    );
    expect(formatProgress({ done: 0, total: 48, elapsedMs: 10 }, 4)).toBe(
      '[----] 0/48 runs  0%  – runs/s  ETA –',
    );
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('redraws in place on a terminal and writes whole lines elsewhere, the last state once', () => {
    const tty: string[] = [];
    const bar = new ProgressBar({ write: (t: string) => tty.push(t), isTTY: true }, 3);
    bar.update(1, true);
    bar.update(3);
    bar.finish();
    expect(tty.filter((t) => t.startsWith('\r'))).toHaveLength(2);
    expect(tty.at(-1)).toBe('\n');
    const log: string[] = [];
    const plain = new ProgressBar({ write: (t: string) => log.push(t) }, 3);
    plain.update(3);
    plain.finish();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^\[#+\] 3\/3 runs {2}100%.*\n$/);
  });
});
