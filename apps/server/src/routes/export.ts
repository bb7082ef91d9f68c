import { ALL_COUNTERS } from '@agelab/sim-core';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.ts';
import { HttpError, errorBodySchema } from '../errors.ts';
import { TRACE_COUNTERS, historyCsv, historyJson, perfettoTrace } from '../export-formats.ts';
import type { RunRegistry } from '../run-registry.ts';
import { idParams } from './schemas.ts';

export interface ExportPluginOptions {
  registry: RunRegistry;
  config: ServerConfig;
}

/** Exports of a run: counter history (CSV, JSON) and a Perfetto-readable trace. */
export async function exportPlugin(
  app: FastifyInstance,
  { registry, config }: ExportPluginOptions,
): Promise<void> {
  const errors = { 400: errorBodySchema, 404: errorBodySchema };

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/history.csv',
    {
      schema: {
        summary: 'Counter history as CSV (one row per sample and policy)',
        params: idParams,
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const run = registry.require(req.params.id);
      run.touch();
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="agelab-${run.id}-history.csv"`)
        .send(historyCsv(run));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/history.json',
    { schema: { summary: 'Counter history as JSON', params: idParams } },
    async (req) => {
      const run = registry.require(req.params.id);
      run.touch();
      return historyJson(run);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { counters?: string } }>(
    '/api/runs/:id/trace.json',
    {
      schema: {
        summary:
          'A Chrome trace-event JSON file for Perfetto: counters as counter tracks, reclaim passes as slices',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            counters: {
              type: 'string',
              maxLength: 4000,
              description: 'comma-separated counter names, or "all"',
            },
          },
        },
        response: errors,
      },
    },
    async (req, reply) => {
      const run = registry.require(req.params.id);
      run.touch();
      let counters: readonly string[] = TRACE_COUNTERS;
      if (req.query.counters === 'all') counters = ALL_COUNTERS.names;
      else if (req.query.counters) {
        counters = req.query.counters.split(',').map((c) => c.trim());
        const unknown = counters.filter(
          (c) => !(ALL_COUNTERS.names as readonly string[]).includes(c),
        );
        if (unknown.length)
          throw new HttpError(
            400,
            'unknown_counter',
            `counters: unknown counter ${unknown.map((u) => `"${u}"`).join(', ')}`,
          );
      }
      const trace = await perfettoTrace(run, {
        counters,
        maxRefs: config.maxTraceRefs,
        maxSlices: config.maxTraceSlices,
        sliceMs: config.sliceMs,
      });
      return reply
        .header('content-disposition', `attachment; filename="agelab-${run.id}.perfetto.json"`)
        .send(trace);
    },
  );
}
