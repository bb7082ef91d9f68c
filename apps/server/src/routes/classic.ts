import { Readable } from 'node:stream';
import { CLASSIC_POLICY_NAMES } from '@agelab/sim-core';
import type { FastifyInstance } from 'fastify';
import {
  CLASSIC_PRESETS,
  readTrace,
  replayClassic,
  stringAsTrace,
  type ClassicRequest,
} from '../classic-replay.ts';
import type { ServerConfig } from '../config.ts';
import { HttpError, errorBodySchema } from '../errors.ts';

export interface ClassicPluginOptions {
  config: ServerConfig;
}

/** Most references a typed string may have, and most bytes an uploaded trace may have. */
const MAX_TYPED_REFERENCES = 100_000;
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
/** References an uploaded trace may have (a textbook-scale replay on a shared server). */
const MAX_UPLOAD_REFERENCES = 20_000_000;

const requestProps = {
  frames: { type: 'integer', minimum: 1 },
  policies: {
    type: 'array',
    items: { type: 'string', enum: [...CLASSIC_POLICY_NAMES] },
    minItems: 1,
    maxItems: CLASSIC_POLICY_NAMES.length,
  },
  curve: {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
  },
  record: { type: 'boolean' },
} as const;

/**
 * The textbook half of a course: replay a reference string (typed, a preset, or an uploaded
 * trace, gzip accepted) under FIFO, LRU, OPT, CLOCK and the 2.6.33 two lists, with the step
 * table and a fault curve over frame counts. Same parser and errors as `npm run sim -- replay`.
 */
export async function classicPlugin(
  app: FastifyInstance,
  { config }: ClassicPluginOptions,
): Promise<void> {
  const errors = { 400: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema };
  void config;

  app.get('/api/classic/presets', { schema: { summary: 'Textbook reference strings' } }, async () =>
    CLASSIC_PRESETS.map((p) => ({ ...p, curve: { ...p.curve } })),
  );

  app.post<{ Body: ClassicRequest & { references?: string; preset?: string } }>(
    '/api/classic',
    {
      schema: {
        summary: 'Replay a typed reference string or a preset under the classic policies',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['frames'],
          properties: {
            references: { type: 'string', maxLength: 1_000_000 },
            preset: { type: 'string', enum: CLASSIC_PRESETS.map((p) => p.name) },
            ...requestProps,
          },
        },
        response: errors,
      },
    },
    async (req) => {
      const { references, preset, ...rest } = req.body;
      if ((references === undefined) === (preset === undefined))
        throw new HttpError(
          400,
          'bad_request',
          'give exactly one of "references" (a string) or "preset"',
        );
      const text = references ?? CLASSIC_PRESETS.find((p) => p.name === preset)!.references;
      const trace = await readTrace(
        Readable.from([stringAsTrace(text)]),
        true,
        MAX_TYPED_REFERENCES,
      );
      return replayClassic(trace, rest);
    },
  );

  // An uploaded trace: the raw bytes (a page list or lackey output, gzip accepted), streamed to
  // the parser; the options come in the query.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/octet-stream', 'application/gzip', 'text/plain'],
      { bodyLimit: MAX_UPLOAD_BYTES },
      (_req, payload, done) => done(null, payload),
    );
    scope.post<{
      Querystring: { frames: number; policies?: string; curveFrom?: number; curveTo?: number };
    }>(
      '/api/classic/trace',
      {
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          summary: 'Replay an uploaded trace file (page list or valgrind lackey, gzip accepted)',
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['frames'],
            properties: {
              frames: { type: 'integer', minimum: 1 },
              policies: { type: 'string', maxLength: 200 },
              curveFrom: { type: 'integer', minimum: 1 },
              curveTo: { type: 'integer', minimum: 1 },
            },
          },
          response: errors,
        },
      },
      async (req, reply) => {
        const signal = { aborted: false };
        reply.raw.on('close', () => {
          if (!reply.raw.writableFinished) signal.aborted = true;
        });
        const q = req.query;
        const body = req.body as AsyncIterable<Uint8Array>;
        const trace = await readTrace(body, false, MAX_UPLOAD_REFERENCES);
        if ((q.curveFrom === undefined) !== (q.curveTo === undefined))
          throw new HttpError(400, 'bad_request', 'give both curveFrom and curveTo, or neither');
        return replayClassic(
          trace,
          {
            frames: q.frames,
            ...(q.policies ? { policies: q.policies.split(',').map((s) => s.trim()) } : {}),
            ...(q.curveFrom !== undefined && q.curveTo !== undefined
              ? { curve: { from: q.curveFrom, to: q.curveTo } }
              : {}),
          },
          signal,
        );
      },
    );
  });
}
