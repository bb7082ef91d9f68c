import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('../../../packages/sim-core/src/index.ts', import.meta.url));

// A checkpoint, a seek and a fork leave a run on clones of its state. V8 gives an object built
// by Object.create another hidden class than one its constructor builds, and the kernel code's
// property accesses then see two of each (a comparison continued after a seek ran at half speed).
// The counter index (C.pgscan…, read on every kernel event) must likewise be a fast-mode object,
// not a dictionary: V8 looks a dictionary's names up at run time. Only V8's own natives can tell, so the check runs in a child process that may call it.
describe('clones of a run’s state', () => {
  it('have the hidden classes of the objects their constructors build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agelab-shape-'));
    try {
      const script = join(dir, 'shape.ts');
      writeFileSync(
        script,
        `import { ALL_COUNTERS, C, KVM_COUNTERS, Simulation, getPreset } from ${JSON.stringify(INDEX)};
const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const fast = new Function('o', 'return %HasFastProperties(o)');
const sim = new Simulation(getPreset('classic-thp'), 'unmap-emulation');
sim.consume(Uint32Array.from([1, 2, 3, 70000, 9]), 5, 0);
const c = sim.clone('off');
console.log(JSON.stringify({
  HostMm: same(sim.host, c.host), KvmMmu: same(sim.kvm, c.kvm), LruLists: same(sim.host.lru, c.host.lru),
  RmapTable: same(sim.kvm.rmap4k, c.kvm.rmap4k), SwapDevice: same(sim.host.swap, c.host.swap),
  counterIndex: [C, KVM_COUNTERS.index, ALL_COUNTERS.index].every((o) => fast(o)),
}));
`,
      );
      const out = spawnSync(
        process.execPath,
        ['--allow-natives-syntax', '--import', 'tsx', script],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(out.stderr).toBe('');
      expect(JSON.parse(out.stdout)).toEqual({
        HostMm: true,
        KvmMmu: true,
        LruLists: true,
        RmapTable: true,
        SwapDevice: true,
        counterIndex: true,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
