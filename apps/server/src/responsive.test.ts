import { presetInput } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { TestViewer, createRun, listeningApp, until } from './test-support.ts';

describe('a large run playing', () => {
  it('leaves the server answering requests promptly, and a paused run schedules nothing', async () => {
    const { app, base, ws } = await listeningApp();
    // A 4 GiB guest: a million pages, each publish a million-byte page view.
    const scenario = {
      ...presetInput('classic'),
      name: 'classic-4g',
      guest: { memoryMiB: 4096 },
      host: { memcgLimitMiB: 2048, swapMiB: 8192, swapDevice: 'hdd' as const },
      workload: { type: 'hotcold' as const, hotMiB: 512, hotOffsetMiB: 1024, hotShare: 0.995 },
    };
    const { id, token } = await createRun(app, { scenario, policy: 'unmap-emulation' });
    const v = await TestViewer.open(`${ws}/api/runs/${id}/stream?token=${token}`);
    await v.json('welcome');
    v.send({ type: 'play', speed: 1000 });
    const run = app.registry.get(id)!;
    await until(() => run.cmp.refIndex > 500_000, 20_000, 'the run to get going');

    // Requests are answered between slices of the run, not after it: the run moves on between
    // consecutive answers. (How promptly is for the benchmarks; tests assert no timings.)
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      seen.push(run.cmp.refIndex);
    }
    expect(new Set(seen).size).toBeGreaterThan(10);
    expect(seen[seen.length - 1]).toBeGreaterThan(seen[0]);

    const from = v.items.length;
    v.send({ type: 'pause' });
    await v.json('state', from, (m) => !m.state.busy);
    const ref = run.cmp.refIndex;
    expect(run.player.busy).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(run.cmp.refIndex).toBe(ref);
    v.close();
    await app.close();
  });
});
