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

describe('a lesson over the socket', () => {
  it("moves every viewer to the teacher's step; a late joiner starts there; only the driver may move it", async () => {
    const run = await createRun(app, {
      preset: 'classic',
      policies: ['always-old', 'unmap-emulation'],
    });
    const { id } = run;
    const teacher = await openDriver(ws, run);
    const student = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    expect((await student.json('welcome')).lesson).toBeNull();
    const from = student.items.length;
    expect(
      await teacher.request({ type: 'lesson', lesson: 'why-the-patch', step: 1 }, 2),
    ).toMatchObject({ type: 'ack' });
    expect(await student.json('lesson', from)).toEqual({
      type: 'lesson',
      state: { lesson: 'why-the-patch', step: 1 },
    });
    const late = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    expect((await late.json('welcome')).lesson).toEqual({ lesson: 'why-the-patch', step: 1 });
    expect(
      await student.request({ type: 'lesson', lesson: 'why-the-patch', step: 2 }, 3),
    ).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await teacher.request({ type: 'lesson', lesson: 'no-such', step: 0 }, 4)).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/no lesson "no-such"; lessons: .*why-the-patch/),
    });
    expect(
      await teacher.request({ type: 'lesson', lesson: 'why-the-patch', step: 99 }, 5),
    ).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/lesson\.step: 99 is past the last step/),
    });
    for (const v of [teacher, student, late]) v.close();
  });
});
