import { Comparison, getPreset } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { CounterHistory } from './history.ts';
import { Player } from './player.ts';

function setup() {
  const cmp = new Comparison(getPreset('idle'), ['always-old'], 1);
  const history = new CounterHistory(1, cmp.sims[0].counters.length, 2000, 100);
  const log: string[] = [];
  const player = new Player(
    cmp,
    { onAdvance: () => log.push('advance'), onState: () => log.push('state') },
    { sliceMs: 5, quantum: 200, history },
  );
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
    player.seekNow(10_000);
    expect(player.busy).toBe(false);
    expect(cmp.refIndex).toBe(10_000);
    player.seekNow(40_000);
    await settle(player);
    const straight = new Comparison(getPreset('idle'), ['always-old'], 1);
    straight.step(40_000);
    expect(cmp.sims[0].counterRecord()).toEqual(straight.sims[0].counterRecord());
  });

  it('after a knob change in the past, never restores a checkpoint of the forgotten future', async () => {
    // classic: a checkpoint every 5 simulated s (500,000 references).
    const cmp = new Comparison(getPreset('classic'), ['always-old'], 1);
    const history = new CounterHistory(1, cmp.sims[0].counters.length, 10_000, 1000);
    const player = new Player(
      cmp,
      { onAdvance: () => {}, onState: () => {} },
      { sliceMs: 5, quantum: 1000, history },
    );
    player.stepRefs(1_200_000); // checkpoints at 5 s and 10 s, under the old (empty) knob log
    await settle(player);
    player.seekNow(200_000);
    player.setKnob((c) => c.setKnob('limitMiB', 64));
    player.seekNow(1_100_000);
    await settle(player);
    player.seekNow(700_000); // a backward seek: the 5 s checkpoint of the old future must not come back
    const straight = new Comparison(getPreset('classic'), ['always-old'], 1);
    straight.step(200_000);
    straight.setKnob('limitMiB', 64);
    straight.step(500_000);
    expect(player.cmp.refIndex).toBe(700_000);
    expect(player.cmp.sims[0].counterRecord()).toEqual(straight.sims[0].counterRecord());
  });
});
