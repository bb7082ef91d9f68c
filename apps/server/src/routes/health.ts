import type { FastifyInstance } from 'fastify';
import type { RunRegistry } from '../run-registry.ts';

/** GET /healthz: 200 while the server serves. */
export async function healthPlugin(
  app: FastifyInstance,
  { registry }: { registry: RunRegistry },
): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        response: {
          200: {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              runs: { type: 'integer' },
              uptimeS: { type: 'number' },
            },
          },
        },
      },
    },
    async () => ({ ok: true, runs: registry.size, uptimeS: process.uptime() }),
  );
}
