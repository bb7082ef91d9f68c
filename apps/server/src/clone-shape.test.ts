import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('../../../packages/sim-core/src/index.ts', import.meta.url));

/**
 * Runs `body` (after an import of sim-core's index as `sim`) in a child process that may call
 * V8's natives, and returns the JSON it prints. Only V8's own %HaveSameMap and
 * %HasFastProperties can tell what these tests check.
 */
function withNatives(body: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'agelab-shape-'));
  try {
    const script = join(dir, 'shape.ts');
    writeFileSync(script, `import * as sim from ${JSON.stringify(INDEX)};\n${body}\n`);
    const out = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.stderr).toBe('');
    return JSON.parse(out.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A checkpoint, a seek and a fork leave a run on clones of its state. V8 gives an object built
// by Object.create another hidden class than one its constructor builds, and the kernel code's
// property accesses then see two of each (a comparison continued after a seek ran at half speed).
describe('clones of a run’s state', () => {
  it('have the hidden classes of the objects their constructors build', () => {
    const shapes = withNatives(`const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const s = new sim.Simulation(sim.getPreset('classic-thp'), 'unmap-emulation');
s.consume(Uint32Array.from([1, 2, 3, 70000, 9]), 5, 0);
const c = s.clone('off');
console.log(JSON.stringify({
  HostMm: same(s.host, c.host), KvmMmu: same(s.kvm, c.kvm), LruLists: same(s.host.lru, c.host.lru),
  RmapTable: same(s.kvm.rmap4k, c.kvm.rmap4k), SwapDevice: same(s.host.swap, c.host.swap),
}));`);
    expect(shapes).toEqual({
      HostMm: true,
      KvmMmu: true,
      LruLists: true,
      RmapTable: true,
      SwapDevice: true,
    });
  });
});

// The kernel code reads the counter index (mm.c[C.pgscan…]++) on every kernel event: in
// dictionary mode each of those reads is a name lookup at run time (defineCounters).
describe('the counter indexes', () => {
  it('are fast-mode objects, not dictionaries', () => {
    const fast = withNatives(`const fast = new Function('o', 'return %HasFastProperties(o)');
console.log(JSON.stringify({
  host: fast(sim.C), kvm: fast(sim.KVM_COUNTERS.index), all: fast(sim.ALL_COUNTERS.index),
}));`);
    expect(fast).toEqual({ host: true, kvm: true, all: true });
  });
});
