import { createRequire } from 'node:module';
import fastifyHelmet from '@fastify/helmet';
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
import { edgeGuard, redactUrl } from './security.ts';
import { classicPlugin } from './routes/classic.ts';
import { exportPlugin } from './routes/export.ts';
import { lessonsPlugin } from './routes/lessons.ts';
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

/**
 * Fastify's own errors (FST_ERR_…) under our codes, so a client sees one vocabulary
 * (docs/protocol.md lists them): bad JSON, an empty or unreadable body, too large, wrong type.
 */
export function fastifyCode(status: number, code: string | undefined): string {
  if (status === 413) return 'too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 404) return 'not_found';
  if (code && /JSON/.test(code)) return 'bad_json';
  return 'bad_request';
}

type ValidatorFactory = (
  externalSchemas: unknown,
  options: { customOptions: Record<string, unknown> },
) => (route: { httpPart?: string }) => unknown;

/**
 * Fastify's own ajv compiler (a dependency of fastify itself), twice: request bodies are JSON and
 * keep their types — `"seed": "7"` is refused, not coerced (issue 14, row 14) — while the
 * querystring and path parameters, which are text by nature, are coerced to their schema's
 * explicit types.
 */
function strictBodyValidators(): ValidatorFactory {
  const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
  const selector = (fastifyRequire('@fastify/ajv-compiler') as () => ValidatorFactory)();
  return (externalSchemas, options) => {
    const coercing = selector(externalSchemas, options);
    const strict = selector(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, coerceTypes: false },
    });
    return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
  };
}

/** Pino's request serializer, with the query string's values redacted (row 9: no token in logs). */
const reqSerializer = (req: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) => ({
  method: req.method,
  url: redactUrl(req.url),
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

/** The whole server: plugins composed, nothing listening yet (tests inject; main.ts listens). */
export async function buildApp(
  config: ServerConfig = DEFAULT_CONFIG,
  opts: BuildOptions = {},
): Promise<FastifyInstance> {
  const logger =
    opts.logger === undefined
      ? { level: config.logLevel, serializers: { req: reqSerializer } }
      : typeof opts.logger === 'object' && opts.logger !== null
        ? {
            ...opts.logger,
            serializers: {
              req: reqSerializer,
              ...(opts.logger as { serializers?: object }).serializers,
            },
          }
        : opts.logger;
  const app = Fastify({
    logger,
    bodyLimit: config.bodyLimit,
    // Unknown fields are refused, not silently dropped: a typo should be an error that names it.
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    schemaController: { compilersFactory: { buildValidator: strictBodyValidators() as never } },
  });
  app.addHook('onRequest', edgeGuard(config));
  // Security headers on every reply. The built dashboard loads its script and styles from
  // /assets (script-src 'self'); React sets some inline styles; the stream is a same-host socket.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // the server is plain HTTP on a LAN: no HSTS, and no upgrade-insecure-requests
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  const registry = new RunRegistry(
    config,
    (run) => app.log.info({ run: run.id }, 'idle run expired'),
    (run) => app.log.error({ run: run.id, failure: run.failure }, 'run failed and was ended'),
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
              : fastifyCode(status, err.code),
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
    // A client's malformed frames (no mask, bad UTF-8, too large) are its problem, not ours:
    // a warning without a stack (issue 14, row 13); our own throws stay errors.
    errorHandler: (error, socket, req) => {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('WS_ERR_') || code === 'ECONNRESET' || code === 'EPIPE')
        req.log.warn({ code, reason: error.message }, 'websocket closed: client protocol error');
      else req.log.error({ err: error }, 'websocket handler failed');
      socket.terminate();
    },
  });
  await app.register(healthPlugin, { registry });
  await app.register(runsPlugin, { registry, config });
  await app.register(exportPlugin, { registry, config });
  await app.register(classicPlugin, { config });
  await app.register(lessonsPlugin, {});
  await app.register(streamPlugin, { registry, config });
  await app.register(sweepsPlugin, { maxGuestMiB: config.maxGuestMiB });
  await app.register(openapiPlugin);
  await app.register(webPlugin, { root: config.webDist });
  app.addHook('onClose', async () => registry.close());
  return app;
}
