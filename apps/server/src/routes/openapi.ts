import type { FastifyInstance } from 'fastify';

/** GET /openapi.json: the OpenAPI description @fastify/swagger builds from the route schemas. */
export async function openapiPlugin(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
