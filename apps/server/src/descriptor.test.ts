import { describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { TestViewer, createRun, listeningApp, until } from './test-support.ts';

type Summary = { runs: { policy: string; counters: Record<string, number> }[]; descriptor: string };

describe('a run descriptor', () => {
  it('rebuilds the same run on a fresh server (after a restart): same counters at the same time, knobs included', async () => {
    const first = await listeningApp();
    const { id, token } = await createRun(first.app, {
      preset: 'classic',
      policies: ['always-old', 'unmap-emulation'],
      seed: 7,
    });
    const v = await TestViewer.open(`${first.ws}/api/runs/${id}/stream?token=${token}`);
    await v.json('welcome');
    await v.request({ type: 'step', seconds: 1 }, 1);
    await v.json('state', 0, (m) => !m.state.busy && m.state.refIndex === 100_000);
    await v.request({ type: 'knob', name: 'limitMiB', value: 96 }, 2);
    const from = v.items.length;
    await v.request({ type: 'step', seconds: 1 }, 3);
    await v.json('state', from, (m) => !m.state.busy && m.state.refIndex === 200_000);
    const before = (await first.app.inject({ url: `/api/runs/${id}` })).json<Summary>();
    v.close();
    await first.app.close();

    // a new process: nothing of the old run is left but its descriptor
    const second = await buildApp(
      { ...DEFAULT_CONFIG, webDist: '/nonexistent' },
      { logger: false },
    );
    const made = await second.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { descriptor: before.descriptor },
    });
    expect(made.statusCode, made.body).toBe(201);
    const run = second.registry.get(made.json().id)!;
    run.player.seekNow(200_000);
    await until(() => run.cmp.refIndex === 200_000 && !run.player.busy, 20_000, 'the seek');
    const after = (await second.inject({ url: `/api/runs/${run.id}` })).json<Summary>();
    expect(after.runs.map((r) => r.policy)).toEqual(['always-old', 'unmap-emulation']);
    after.runs.forEach((r, i) => expect(r.counters).toEqual(before.runs[i].counters));
    expect(after.descriptor).toBe(before.descriptor);
    await second.close();
  });

  it('refuses a descriptor that is not one, and one given with other fields', async () => {
    const app = await buildApp({ ...DEFAULT_CONFIG, webDist: '/nonexistent' }, { logger: false });
    for (const descriptor of ['hello', 'r1.!!!', 'r1.AAAA']) {
      const res = await app.inject({ method: 'POST', url: '/api/runs', payload: { descriptor } });
      expect(res.statusCode, descriptor).toBe(400);
      expect(res.json().error).toBe('bad_descriptor');
      expect(res.json().message).toMatch(/^descriptor: /);
    }
    const { descriptor } = (
      await app.inject({
        method: 'POST',
        url: '/api/runs',
        payload: { preset: 'idle', policy: 'always-old' },
      })
    ).json();
    const both = await app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { descriptor, seed: 3 },
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toMatch(/give it alone/);
    await app.close();
  });
});
