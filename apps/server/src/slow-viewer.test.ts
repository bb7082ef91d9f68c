import type { Socket } from 'node:net';
import { CELLS_DELTA, FRAME } from '@agelab/protocol';
import { EVENT_NAMES, presetInput } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { TestViewer, createRun, listeningApp, until } from './test-support.ts';

const MAX_BUFFERED = 256 * 1024;
const MAX_EVENTS = 200_000;

describe('a viewer that reads nothing while the run plays', () => {
  it('costs the server a bounded buffer, does not slow the run, and resumes from a keyframe', async () => {
    // Big sampled event frames make each publish large, so the kernel's socket buffers fill in a
    // second or two and the server's own buffering is what gets tested.
    const { app, ws } = await listeningApp({
      maxBufferedBytes: MAX_BUFFERED,
      maxEventsPerFrame: MAX_EVENTS,
      maxEventsPerSecond: 1_000_000,
    });
    // A 1 GiB guest: a keyframe is 256 KiB, so a few publishes fill any socket buffer.
    const scenario = {
      ...presetInput('classic'),
      name: 'classic-1g',
      guest: { memoryMiB: 1024 },
      host: { memcgLimitMiB: 512, swapMiB: 2048, swapDevice: 'hdd' as const },
      workload: { type: 'hotcold' as const, hotMiB: 128, hotOffsetMiB: 256, hotShare: 0.995 },
    };
    const { id, token } = await createRun(app, { scenario, policy: 'unmap-emulation' });
    const driver = await TestViewer.open(`${ws}/api/runs/${id}/stream?token=${token}`);
    await driver.json('welcome');
    const slow = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    await slow.json('welcome');
    // One page a cell (a 256 KiB keyframe), and every event kind at a high rate.
    await slow.request(
      { type: 'viewport', from: 0, to: 262144, cells: 262144, lens: 'residency' },
      1,
    );
    await slow.request(
      {
        type: 'events',
        kinds: [...EVENT_NAMES],
        maxPerSecond: 1_000_000,
      },
      2,
    );
    await slow.next((i) => i.kind === 'frame' && i.frame.type === FRAME.CELLS, 0);
    // Stop reading: TCP flow control backs up into the kernel, then into the server's socket.
    (slow.socket as unknown as { _socket: Socket })._socket.pause();

    const run = app.registry.get(id)!;
    const serverSide = [...run.hub.viewers].find((v) => v.role === 'viewer')!;
    let maxBuffered = 0;
    const probe = setInterval(
      () => (maxBuffered = Math.max(maxBuffered, serverSide.socket.bufferedAmount)),
      5,
    );
    driver.send({ type: 'play', speed: 1000 });
    await until(() => serverSide.skipped > 2, 30_000, 'the hub to skip the slow viewer');
    await until(() => run.cmp.refIndex > 0, 1000);
    const fromPause = driver.items.length;
    driver.send({ type: 'pause', id: 1 });
    await driver.json('state', fromPause, (m) => !m.state.busy);
    clearInterval(probe);
    const ref = run.cmp.refIndex;

    // Latest-wins: what the server holds for it stays under the bound plus one publish
    // (a 256 KiB keyframe, a counter vector, series points, events frames of ≤ MAX_EVENTS records).
    const onePublish = 262_144 + 64 * 1024 + MAX_EVENTS * 19 + 64;
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + onePublish);
    expect(serverSide.skipped).toBeGreaterThan(2);
    // The run went on at its own pace meanwhile: the driver saw it move.
    expect(ref).toBeGreaterThan(0);

    // It reads again: it catches up at a keyframe of the present.
    (slow.socket as unknown as { _socket: Socket })._socket.resume();
    await slow.next(
      (i) =>
        i.kind === 'frame' &&
        i.frame.type === FRAME.CELLS &&
        !(i.frame.flags & CELLS_DELTA) &&
        i.frame.refIndex === ref,
      0,
      20_000,
    );
    await until(() => serverSide.socket.bufferedAmount === 0, 10_000, 'the buffer to drain');
    driver.close();
    slow.close();
    await app.close();
  });
});
