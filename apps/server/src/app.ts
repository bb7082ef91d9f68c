import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { PROTOCOL_VERSION } from '@agelab/protocol';
import { DEFAULT_CONFIG, type ServerConfig } from './config.ts';
import { HttpError, type ErrorBody } from './errors.ts';
import { RunRegistry } from './run-registry.ts';
import { exportPlugin } from './routes/export.ts';
import { healthPlugin } from './routes/health.ts';
import { openapiPlugin } from './routes/openapi.ts';
import { runsPlugin } from './routes/runs.ts';
import { streamPlugin } from './routes/stream.ts';
import { sweepsPlugin } from './routes/sweeps.ts';
import { webPlugin } from './routes/web.ts';

declare module 'fastify' {
  interface FastifyInstance {
    registry: RunRegistry;
    config: ServerConfig;
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
}

/** The whole server: plugins composed, nothing listening yet (tests inject; main.ts listens). */
export async function buildApp(
  config: ServerConfig = DEFAULT_CONFIG,
  opts: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    // Unknown fields are refused, not silently dropped: a typo should be an error that names it.
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  const registry = new RunRegistry(config, (run) =>
    app.log.info({ run: run.id }, 'idle run expired'),
  );
  app.decorate('registry', registry);
  app.decorate('config', config);

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    const status = err.statusCode ?? 500;
    const body: ErrorBody = {
      statusCode: status,
      error:
        err instanceof HttpError
          ? err.code
          : 'validation' in err && err.validation
            ? 'bad_request'
            : status >= 500
              ? 'internal'
              : (err.code ?? 'error'),
      message: err.message,
    };
    if (err instanceof HttpError && err.issues) body.issues = err.issues;
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: 'not_found',
      message: `no route ${req.method} ${req.url}`,
    } satisfies ErrorBody),
  );

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'AgeLab',
        version: `protocol ${PROTOCOL_VERSION}`,
        description:
          'Runs and comparisons of KVM EPT guest-memory aging under Linux 2.6.33 host reclaim. The WebSocket stream is described in docs/protocol.md.',
      },
    },
  });
  // ws's own hard cap sits well above the protocol's limit, so an oversized message gets an
  // error message from us (and the socket stays open) instead of a close from ws.
  await app.register(fastifyWebsocket, {
    options: { maxPayload: Math.max(64 * 1024, config.maxMessageBytes * 16) },
  });
  await app.register(healthPlugin, { registry });
  await app.register(runsPlugin, { registry, config });
  await app.register(exportPlugin, { registry, config });
  await app.register(streamPlugin, { registry, config });
  await app.register(sweepsPlugin, { maxGuestMiB: config.maxGuestMiB });
  await app.register(openapiPlugin);
  await app.register(webPlugin, { root: config.webDist });
  app.addHook('onClose', async () => registry.close());
  return app;
}
