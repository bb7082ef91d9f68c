import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestViewer, createRun, listeningApp, openDriver } from './test-support.ts';

let app: FastifyInstance;
let ws: string;
beforeAll(async () => {
  ({ app, ws } = await listeningApp());
});
afterAll(async () => {
  await app.close();
});

describe('the class follows a fork', () => {
  it('moves every other viewer into the driver’s fork, at the lesson step; a fork without follow moves nobody', async () => {
    const run = await createRun(app, {
      preset: 'classic',
      policies: ['always-old', 'unmap-emulation'],
    });
    const { id } = run;
    const teacher = await openDriver(ws, run);
    await teacher.request({ type: 'step', seconds: 1 }, 2);
    await teacher.request({ type: 'lesson', lesson: 'why-the-patch', step: 2 }, 3);
    const students = [
      await TestViewer.open(`${ws}/api/runs/${id}/stream`),
      await TestViewer.open(`${ws}/api/runs/${id}/stream`),
    ];
    for (const s of students) await s.json('welcome');

    // a student may fork alone, but not take the class along
    const from = students.map((s) => s.items.length);
    expect(await students[0].request({ type: 'fork', follow: true }, 4)).toMatchObject({
      type: 'error',
      code: 'forbidden',
      message: expect.stringMatching(/only the driver may take the class/),
    });
    const alone = await students[0].request({ type: 'fork' }, 5);
    expect(alone).toMatchObject({ type: 'forked' });
    const teacherFrom = teacher.items.length;

    const forked = await teacher.request({ type: 'fork', follow: true }, 6);
    expect(forked).toMatchObject({ type: 'forked' });
    if (forked.type !== 'forked') return;
    expect(forked.runId).not.toBe(id);
    for (const [i, s] of students.entries()) {
      const follow = await s.json('follow', from[i]);
      expect(follow).toEqual({ type: 'follow', runId: forked.runId });
      // the student's fork without follow told nobody to move: exactly one follow each
      expect(
        s.items.slice(from[i]).filter((it) => it.kind === 'json' && it.msg.type === 'follow'),
      ).toHaveLength(1);
    }
    // the one who forked is not told to follow itself
    expect(
      teacher.items.slice(teacherFrom).some((it) => it.kind === 'json' && it.msg.type === 'follow'),
    ).toBe(false);

    // joining the fork without its token: a viewer, at the fork's time and the class's step
    const moved = await TestViewer.open(`${ws}/api/runs/${forked.runId}/stream`);
    const welcome = await moved.json('welcome');
    expect(welcome.role).toBe('viewer');
    expect(welcome.state.refIndex).toBe(app.registry.get(id)!.cmp.refIndex);
    expect(welcome.lesson).toEqual({ lesson: 'why-the-patch', step: 2 });
    expect(app.registry.get(id)!.player.playing).toBe(false);
    for (const v of [teacher, ...students, moved]) v.close();
  });

  it('a driver leads the class into another run it controls (a lesson on another scenario)', async () => {
    const a = await createRun(app, { preset: 'classic', policies: ['always-old'] });
    const b = await createRun(app, { preset: 'classic-thp', policies: ['always-old'] });
    const teacher = await openDriver(ws, a);
    const student = await TestViewer.open(`${ws}/api/runs/${a.id}/stream`);
    await student.json('welcome');
    const from = student.items.length;

    expect(await student.request({ type: 'lead', runId: b.id, token: b.token }, 2)).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await teacher.request({ type: 'lead', runId: b.id, token: a.token }, 3)).toMatchObject({
      type: 'error',
      code: 'bad_token',
      message: expect.stringContaining(b.id),
    });
    expect(await teacher.request({ type: 'lead', runId: 'nope', token: b.token }, 4)).toMatchObject(
      { type: 'error', code: 'not_found' },
    );
    expect(await teacher.request({ type: 'lead', runId: a.id, token: a.token }, 5)).toMatchObject({
      type: 'error',
      code: 'bad_message',
    });
    // none of the refused ones moved the student
    expect(
      student.items.slice(from).some((it) => it.kind === 'json' && it.msg.type === 'follow'),
    ).toBe(false);

    expect(await teacher.request({ type: 'lead', runId: b.id, token: b.token }, 6)).toMatchObject({
      type: 'ack',
      of: 'lead',
    });
    expect(await student.json('follow', from)).toEqual({ type: 'follow', runId: b.id });
    for (const v of [teacher, student]) v.close();
  });
});
