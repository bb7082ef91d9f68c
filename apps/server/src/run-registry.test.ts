import { describe, expect, it } from 'vitest';
import { TestViewer, createRun, listeningApp, openDriver, until } from './test-support.ts';

describe('idle runs', () => {
  it('expire on their own once their owner neither drives nor watches them, while a driven run stays', async () => {
    const { app, ws } = await listeningApp({ idleRunMs: 1000 });
    const idle = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const watched = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const v = await TestViewer.open(`${ws}/api/runs/${watched.id}/stream`);
    await v.json('welcome');
    // the owner's socket (authenticated) keeps it; an anonymous viewer would not (issue 14, row 7)
    await v.request({ type: 'auth', token: watched.token }, 1);
    await until(() => !app.registry.get(idle.id), 5000, 'the idle run to expire');
    expect(app.registry.get(watched.id)).toBeDefined();
    expect((await app.inject(`/api/runs/${idle.id}`)).statusCode).toBe(404);
    v.close();
    await until(() => !app.registry.get(watched.id), 5000, 'the run left alone to expire');
    await app.close();
  });
});

describe('unwatched runs', () => {
  it('a playing run is paused once nobody has watched it for the grace, a watched one plays on', async () => {
    const { app, ws } = await listeningApp({ unwatchedPauseMs: 300 });
    const left = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const kept = await createRun(app, { preset: 'idle', policy: 'always-old' });
    const a = await openDriver(ws, left);
    const b = await openDriver(ws, kept);
    for (const v of [a, b]) await v.request({ type: 'play', speed: 0.1 }, 2);
    const leftRun = app.registry.get(left.id)!;
    const keptRun = app.registry.get(kept.id)!;
    expect(leftRun.player.playing).toBe(true);
    a.close();
    await until(() => !leftRun.player.playing, 5000, 'the unwatched run to pause');
    // paused, not deleted: whoever comes back finds it where it was
    expect(app.registry.get(left.id)).toBe(leftRun);
    expect(leftRun.cmp.refIndex).toBeGreaterThan(0);
    expect(keptRun.player.playing).toBe(true);
    b.close();
    await app.close();
  });
});
