import { parseScenario, type Scenario, type ScenarioInput } from './scenario.ts';

/**
 * The classic experiment behind the patch: a 256 MB guest in a memory cgroup limited to 128 MB,
 * with a 64 MB hot working set that fits the limit and cold memory that does not (the guest
 * touched all of it at boot and still touches it now and then, which keeps reclaim — and so aging
 * — going). The hot set gets 99.5 % of the references; the other 0.5 % go to the 192 MB of
 * non-hot pages only (hot-cold.ts), not to the whole guest. domain.md's baseline uses a 32 MB hot
 * set; with steady cold traffic, reclaim reaches a hot set that small too rarely for the policies
 * to part within a minute (docs/model.md).
 */
const classic: ScenarioInput = {
  name: 'classic',
  description:
    'A 256 MB guest in a 128 MB memory cgroup: a 64 MB hot set that fits, taking 99.5 % of the references, and 192 MB of cold memory that does not fit, sharing the other 0.5 %.',
  guest: { memoryMiB: 256 },
  // One host kernel for every policy, so that a comparison changes only KVM's aging: 2.6.34, the
  // release that shipped the patch (always-old is then 2.6.34 with the patch reverted). A
  // scenario's default, 'natural', would run always-old on 2.6.33 instead (docs/model.md).
  host: { memcgLimitMiB: 128, swapMiB: 512, swapDevice: 'hdd', kernel: '2.6.34' },
  rate: 100_000,
  boot: true,
  workload: { type: 'hotcold', hotMiB: 64, hotOffsetMiB: 64, hotShare: 0.995 },
  seconds: 60,
};

const PRESETS: Record<string, ScenarioInput> = {
  classic,
  // Host-wide pressure, not a cgroup limit: in a memcg at its limit 2.6.38 faults in and
  // collapses no hugepage (a huge charge reclaims once and gives up, mem_cgroup_charge_common
  // with oom = false), so the split/collapse story can only be told under kswapd (docs/model.md).
  'classic-thp': {
    ...classic,
    name: 'classic-thp',
    description:
      'The classic workload on transparent hugepages, under host-wide pressure: 192 MB of host RAM for a 256 MB guest and no cgroup limit, kswapd reclaiming, khugepaged scanning once a second. Watch hot hugepages split and recollapse under always-old.',
    host: { ...classic.host, memcgLimitMiB: 512, ramMiB: 192 },
    thp: { enabled: true, khugepaged: { enabled: true, pagesToScan: 4096, scanSleepMs: 1000 } },
  },
  idle: {
    ...classic,
    name: 'idle',
    description:
      'The guest boots, then idles in a 4 MB corner: once boot-time reclaim is over there is no pressure, so no aging, and every policy costs the same.',
    rate: 20_000,
    workload: { type: 'hotcold', hotMiB: 4, hotShare: 1 },
  },
  'scan-hot': {
    ...classic,
    name: 'scan-hot',
    description:
      'A 32 MB hot set plus a guest that keeps streaming through the rest of its memory (a backup, a checksum): the scan pushes through the cgroup and aging must tell the hot set apart.',
    workload: {
      type: 'mix',
      parts: [
        {
          weight: 0.97,
          workload: { type: 'hotcold', offsetMiB: 64, sizeMiB: 32, hotMiB: 32, hotShare: 1 },
        },
        { weight: 0.03, workload: { type: 'scan', offsetMiB: 96, sizeMiB: 160 } },
      ],
    },
  },
};

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);

export function getPreset(name: string): Scenario {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset "${name}"; valid presets: ${PRESET_NAMES.join(', ')}`);
  return parseScenario(p);
}

export function presetInput(name: string): ScenarioInput {
  return getPreset(name) as ScenarioInput;
}
