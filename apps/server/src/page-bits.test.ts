import { PAGE } from '@agelab/protocol';
import * as sim from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';

describe('page view bits on the wire', () => {
  it('are the bits sim-core writes', () => {
    expect(PAGE).toEqual({
      UNTOUCHED: sim.PV_UNTOUCHED,
      RESIDENT: sim.PV_RESIDENT,
      SWAPCACHE: sim.PV_SWAPCACHE,
      SWAPPED: sim.PV_SWAPPED,
      RESIDENCY_MASK: sim.PV_RESIDENCY_MASK,
      ACTIVE: sim.PV_ACTIVE,
      EPT_MAPPED: sim.PV_EPT_MAPPED,
      EPT_2M: sim.PV_EPT_2M,
      HOT: sim.PV_HOT,
      HOST_YOUNG: sim.PV_HOST_YOUNG,
      THP: sim.PV_THP,
    });
  });

  it('knob names match the simulation', async () => {
    const { KNOBS } = await import('@agelab/protocol');
    expect([...KNOBS]).toEqual([...sim.KNOB_NAMES]);
  });
});
