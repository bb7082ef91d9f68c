import { ALL_COUNTERS } from '@agelab/sim-core';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.ts';
import { HttpError, errorBodySchema } from '../errors.ts';
import { TRACE_COUNTERS, historyCsv, historyJson, perfettoTrace } from '../export-formats.ts';
import { Cancelled, pageHistory } from '../page-history.ts';
import type { RunRegistry } from '../run-registry.ts';
import { touchIfOwner } from './runs.ts';
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
  // every route may also answer 403 bad_host (a foreign Host header)
  const errors = { 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/history.csv',
    {
      schema: {
        summary: 'Counter history as CSV (one row per sample and policy)',
        params: idParams,
        produces: ['text/csv'],
        response: {
          200: { type: 'string', description: 'time_s,ref_index,policy,<counters…>' },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const run = registry.require(req.params.id);
      touchIfOwner(req, run);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="agelab-${run.id}-history.csv"`)
        .send(historyCsv(run));
    },
  );

  app.get<{ Params: { id: string; gfn: number }; Querystring: { from?: number; to?: number } }>(
    '/api/runs/:id/pages/:gfn/history',
    {
      schema: {
        summary:
          'Every event that touched one guest frame in a window of simulated time, in every run, with its kernel path and reclaim pass (re-simulated on demand)',
        params: {
          type: 'object',
          properties: {
            id: idParams.properties.id,
            gfn: { type: 'integer', minimum: 0, maximum: 2 ** 40 },
          },
          required: ['id', 'gfn'],
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: {
              type: 'number',
              minimum: 0,
              description: 'simulated seconds (default: to − 10)',
            },
            to: { type: 'number', minimum: 0, description: 'simulated seconds (default: now)' },
          },
        },
        response: { ...errors, 409: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (req, reply) => {
      const run = registry.require(req.params.id);
      touchIfOwner(req, run);
      const gfn = req.params.gfn;
      const pages = run.cmp.sims[0].guestPages;
      if (gfn >= pages)
        throw new HttpError(
          400,
          'bad_request',
          `gfn: ${gfn} is past the guest's last frame (${pages - 1})`,
        );
      const to = req.query.to ?? run.cmp.time;
      const from = req.query.from ?? Math.max(0, to - 10);
      if (from > to) throw new HttpError(400, 'bad_request', `from: ${from} is after to (${to})`);
      if (to - from > config.maxPageHistorySeconds)
        throw new HttpError(
          400,
          'limit',
          `a page history covers at most ${config.maxPageHistorySeconds} simulated seconds (AGELAB_MAX_PAGE_HISTORY_S); asked ${to - from}`,
        );
      if (run.historyBusy)
        throw new HttpError(
          429,
          'busy',
          'this run is already replaying a page history; try again when it is done',
        );
      // The client went away before the answer, or the run was deleted: stop replaying.
      let gone = false;
      const signal = {
        get aborted() {
          return gone || run.disposed;
        },
      };
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) gone = true;
      });
      run.historyBusy = true;
      try {
        return await pageHistory(run.cmp, gfn, from, to, signal);
      } catch (e) {
        if (e instanceof Cancelled) return reply.code(499).send();
        throw e;
      } finally {
        run.historyBusy = false;
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/history.json',
    {
      schema: {
        summary: 'Counter history as JSON',
        params: idParams,
        response: {
          200: { type: 'object', additionalProperties: true },
          ...errors,
        },
      },
    },
    async (req) => {
      const run = registry.require(req.params.id);
      touchIfOwner(req, run);
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
        response: { ...errors, 429: errorBodySchema },
      },
    },
    async (req, reply) => {
      const run = registry.require(req.params.id);
      touchIfOwner(req, run);
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
      // one replay per run at a time, cancelled when the client goes away (issue 14, row 8)
      if (run.traceBusy)
        throw new HttpError(
          429,
          'busy',
          'this run is already replaying a trace export; try again when it is done',
        );
      let gone = false;
      const signal = {
        get aborted() {
          return gone;
        },
      };
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) gone = true;
      });
      run.traceBusy = true;
      let trace;
      try {
        trace = await perfettoTrace(run, {
          counters,
          maxRefs: config.maxTraceRefs,
          maxSlices: config.maxTraceSlices,
          sliceMs: config.sliceMs,
          signal,
        });
      } catch (e) {
        if (e instanceof Cancelled) return reply.code(499).send();
        throw e;
      } finally {
        run.traceBusy = false;
      }
      return reply
        .header('content-disposition', `attachment; filename="agelab-${run.id}.perfetto.json"`)
        .send(trace);
    },
  );
}
