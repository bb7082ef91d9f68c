import { describe, expect, it } from 'vitest';
import { ALL_COUNTERS, type CounterName } from './counters.ts';
import { COSTS, guestCost } from './cost-model.ts';

function counters(over: Partial<Record<CounterName, number>>): Record<CounterName, number> {
  const c = Object.fromEntries(ALL_COUNTERS.names.map((n) => [n, 0])) as Record<
    CounterName,
    number
  >;
  return { ...c, ...over };
}
const opts = {
  profile: '2010' as const,
  swapDevice: 'hdd' as const,
  rate: 1000,
  thp: false,
  shadowAccessedMask: false,
};

describe('guestCost', () => {
  it('is no slowdown when nothing costs anything', () => {
    const r = guestCost(counters({ sim_guest_refs: 1000 }), opts);
    expect(r.guestSeconds).toBe(1);
    expect(r.slowdown).toBe(1);
  });

  it('charges a major fault the EPT exit plus one swap read of the chosen device', () => {
    const c = counters({ sim_guest_refs: 1000, pgmajfault: 10 });
    const hdd = guestCost(c, opts);
    expect(hdd.stallUs.major_fault_swapin).toBe(10 * (2 + 8000));
    expect(hdd.slowdown).toBeCloseTo(1 + (10 * 8002) / 1e6, 9);
    const ssd = guestCost(c, { ...opts, swapDevice: 'ssd' });
    expect(hdd.totalStallUs / ssd.totalStallUs).toBeGreaterThan(50);
  });

  it('separates EPT violations by what the host had to do', () => {
    const r = guestCost(
      counters({
        sim_guest_refs: 1000,
        sim_ept_fault_gup_fast: 100,
        sim_ept_fault_host_minor: 30,
        sim_swapcache_hit: 10,
      }),
      opts,
    );
    expect(r.stallUs.ept_violation_resident).toBe(100 * COSTS['2010'].eptFaultResident);
    expect(r.stallUs.ept_violation_swapcache).toBe(10 * COSTS['2010'].eptFaultSwapCache);
    expect(r.stallUs.ept_violation_first_touch).toBe(20 * COSTS['2010'].eptFaultFirstTouch);
  });

  it('charges small pages only in THP scenarios, in proportion to references not served by 2M mappings', () => {
    const c = counters({ sim_guest_refs: 1000, sim_guest_refs_2m: 750 });
    expect(guestCost(c, opts).stallUs.small_pages).toBe(0);
    expect(guestCost(c, { ...opts, thp: true }).stallUs.small_pages).toBeCloseTo(
      0.25 * 1e6 * 0.1,
      6,
    );
  });
});
