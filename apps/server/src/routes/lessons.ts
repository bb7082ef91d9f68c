import type { FastifyInstance } from 'fastify';
import { HttpError, errorBodySchema } from '../errors.ts';
import { loadLessons, shippedLessons, type Lesson } from '../lessons.ts';

/** The lessons in `lessons/`: read and validated once, when the server starts. */
export async function lessonsPlugin(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const lessons: Lesson[] = opts.dir ? loadLessons(opts.dir) : shippedLessons();
  app.get(
    '/api/lessons',
    { schema: { summary: 'The lessons (guided walks for a class)' } },
    async () =>
      lessons.map((l) => ({
        name: l.name,
        title: l.title,
        preset: l.preset,
        summary: l.summary,
        steps: l.steps.length,
      })),
  );
  app.get<{ Params: { name: string } }>(
    '/api/lessons/:name',
    {
      schema: {
        summary: 'One lesson with its steps',
        params: {
          type: 'object',
          properties: { name: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } },
          required: ['name'],
        },
        response: { 404: errorBodySchema },
      },
    },
    async (req) => {
      const l = lessons.find((x) => x.name === req.params.name);
      if (!l)
        throw new HttpError(
          404,
          'not_found',
          `no lesson "${req.params.name}"; lessons: ${lessons.map((x) => x.name).join(', ')}`,
        );
      return l;
    },
  );
}
