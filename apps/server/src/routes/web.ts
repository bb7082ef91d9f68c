import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built dashboard (apps/web/dist) at /, or a page that says how to build it. */
export async function webPlugin(app: FastifyInstance, { root }: { root: string }): Promise<void> {
  if (existsSync(join(root, 'index.html'))) {
    await app.register(fastifyStatic, { root, prefix: '/' });
    return;
  }
  app.log.warn({ root }, 'web app not built; serving the API only');
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .code(503)
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><title>AgeLab</title><p>The web app is not built. Run <code>npm run build -w apps/web</code> (or <code>npm start</code>).</p>',
      ),
  );
}
