import { describe, expect, it } from 'vitest';
import { latestWins } from './coalesce';

describe('latestWins', () => {
  const manual = () => {
    const queue: (() => void)[] = [];
    return {
      schedule: (f: () => void) => queue.push(f),
      tick: () => queue.splice(0).forEach((f) => f()),
    };
  };

  it('runs once per tick with the latest arguments', () => {
    const m = manual();
    const seen: number[] = [];
    const f = latestWins((t: number) => seen.push(t), m.schedule);
    f(1);
    f(2);
    f(3);
    expect(seen).toEqual([]);
    m.tick();
    expect(seen).toEqual([3]);
    f(4);
    m.tick();
    m.tick();
    expect(seen).toEqual([3, 4]);
  });

  it('can drop or flush a pending call', () => {
    const m = manual();
    const seen: number[] = [];
    const f = latestWins((t: number) => seen.push(t), m.schedule);
    f(1);
    f.cancel();
    m.tick();
    expect(seen).toEqual([]);
    f(2);
    f.flush();
    expect(seen).toEqual([2]);
    m.tick();
    expect(seen).toEqual([2]);
  });
});
