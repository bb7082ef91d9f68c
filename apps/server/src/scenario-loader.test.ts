import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Comparison } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { loadScenario } from './scenario-loader.ts';

const dir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

describe('the example scenario files in scenarios/', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(2));

  for (const f of files) {
    it(`${f} is valid, loads its traces and runs`, async () => {
      const { scenario, traces } = await loadScenario(dir + f);
      const cmp = new Comparison(scenario, ['unmap-emulation'], 1, { traces });
      cmp.runFor(0.5);
      expect(cmp.sims[0].counterRecord().sim_guest_refs).toBe(Math.round(0.5 * scenario.rate));
      expect(cmp.sims[0].checkInvariants()).toEqual([]);
    });
  }

  it('aliased.json makes unmap emulation allocate rmap descriptors', async () => {
    const { scenario } = await loadScenario(dir + 'aliased.json');
    const cmp = new Comparison(scenario, ['unmap-emulation'], 1);
    cmp.runFor(3);
    const c = cmp.sims[0].counterRecord();
    expect(c.sim_rmap_desc_alloc).toBeGreaterThan(0);
    expect(c.sim_rmap_desc_free).toBeGreaterThan(0);
  });
});
