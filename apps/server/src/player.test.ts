import { Comparison, getPreset } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { CounterHistory } from './history.ts';
import { Player } from './player.ts';

function setup() {
  const cmp = new Comparison(getPreset('idle'), ['always-old'], 1);
  const history = new CounterHistory(1, cmp.sims[0].counters.length, 2000, 100);
  const log: string[] = [];
  const player = new Player(cmp, { onAdvance: () => log.push('advance'), onState: () => log.push('state') }, { sliceMs: 5, quantum: 200, history });
  return { cmp, history, player, log };
}

const settle = async (p: Player) => {
  while (p.busy) await new Promise((r) => setTimeout(r, 5));
};

describe('the player', () => {
  it('steps exactly the references asked for, in slices, recording history on the way', async () => {
    const { cmp, history, player } = setup();
    player.stepRefs(12_345);
    expect(player.busy).toBe(true);
    await settle(player);
    expect(cmp.refIndex).toBe(12_345);
    expect(history.length).toBe(7); // 0, 2000, ..., 12000
  });

  it('plays in whole quanta and stops dead on pause: no timer left behind', async () => {
    const { cmp, player } = setup();
    player.play(2);
    await new Promise((r) => setTimeout(r, 100));
    player.pause();
    const at = cmp.refIndex;
    expect(at).toBeGreaterThan(0);
    expect(at % 200).toBe(0);
    expect(player.busy).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(cmp.refIndex).toBe(at);
  });

  it('seeks backward at once and forward through the simulation, to the same state as going straight there', async () => {
    const { cmp, player } = setup();
    player.stepRefs(30_000);
    await settle(player);
    player.seek(10_000);
    expect(player.busy).toBe(false);
    expect(cmp.refIndex).toBe(10_000);
    player.seek(40_000);
    await settle(player);
    const straight = new Comparison(getPreset('idle'), ['always-old'], 1);
    straight.step(40_000);
    expect(cmp.sims[0].counterRecord()).toEqual(straight.sims[0].counterRecord());
  });
});
