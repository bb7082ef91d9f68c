import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { summaryTable } from '@agelab/sim-core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WebSocket } from 'ws';
import { HttpError, errorBodySchema } from '../errors.ts';
import { runsCsv, runsJson, summaryCsv } from '../sweep/outputs.ts';
import {
  SweepRequestError,
  SweepService,
  sweepLimitsFromEnv,
  type SweepRecord,
  type SweepStatus,
} from '../sweep/sweep-service.ts';

/** The shipped example sweeps (sweeps/*.json), offered by the dashboard's sweep view. */
export const SWEEPS_DIR = fileURLToPath(new URL('../../../../sweeps/', import.meta.url));

export interface SweepExample {
  file: string;
  name: string;
  description: string;
  sweep: Record<string, unknown>;
}

/** The example sweep files of `dir`, by file name; a file that is not a JSON object is skipped. */
export async function readSweepExamples(dir = SWEEPS_DIR): Promise<SweepExample[]> {
  const files = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out: SweepExample[] = [];
  for (const file of files) {
    let sweep: unknown;
    try {
      sweep = JSON.parse(await readFile(dir + file, 'utf8'));
    } catch {
      continue;
    }
    if (!sweep || typeof sweep !== 'object' || Array.isArray(sweep)) continue;
    const o = sweep as Record<string, unknown>;
    out.push({
      file,
      name: typeof o.name === 'string' ? o.name : file.replace(/\.json$/, ''),
      description: typeof o.description === 'string' ? o.description : '',
      sweep: o,
    });
  }
  return out;
}

export interface SweepsPluginOptions {
  /** Largest guest a sweep may simulate: the server's limit for runs. */
  maxGuestMiB: number;
  /** Where the example sweeps are read (default: the repository's sweeps/). */
  examplesDir?: string;
  /** Where AGELAB_MAX_SWEEP_RUNS and the other sweep limits are read (default process.env). */
  env?: Record<string, string | undefined>;
}

const sweepParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'sweep id' } },
  required: ['id'],
} as const;

const statusSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    state: { type: 'string', enum: ['running', 'done', 'failed'] },
    done: {
      type: 'integer',
      description: 'runs finished (a run is one policy at one grid point and seed)',
    },
    total: { type: 'integer' },
    jobs: { type: 'integer', description: 'grid points × seeds (each runs every policy)' },
    elapsedSeconds: { type: 'number' },
    runsPerSecond: { type: ['number', 'null'] },
    etaSeconds: { type: ['number', 'null'] },
    error: { type: 'string' },
    links: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

const errors = {
  400: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  413: errorBodySchema,
  429: errorBodySchema,
};

const links = (id: string) => ({
  self: `/api/sweeps/${id}`,
  stream: `/api/sweeps/${id}/stream`,
  runsCsv: `/api/sweeps/${id}/runs.csv`,
  runsJson: `/api/sweeps/${id}/runs.json`,
  summaryCsv: `/api/sweeps/${id}/summary.csv`,
  summaryJson: `/api/sweeps/${id}/summary.json`,
});

const withLinks = (s: SweepStatus) => ({ ...s, links: links(s.id) });

/**
 * Sweeps over HTTP: POST a sweep (the same JSON as a sweep file, with a preset or an inline
 * scenario as its base), watch its progress (GET, or the WebSocket stream), fetch the results
 * when it is done. Runs on worker threads in this process, a bounded number of runs per sweep.
 */
export async function sweepsPlugin(app: FastifyInstance, opts: SweepsPluginOptions): Promise<void> {
  const service = new SweepService(sweepLimitsFromEnv(opts.env ?? process.env, opts.maxGuestMiB));
  app.addHook('onClose', async () => service.close());

  const find = (id: string): SweepRecord => {
    const s = service.get(id);
    if (!s)
      throw new HttpError(
        404,
        'not_found',
        `no sweep with id "${id}" (the server keeps the latest ${service.limits.maxKept})`,
      );
    return s;
  };
  const finished = (id: string): SweepRecord => {
    const s = find(id);
    if (s.state === 'running')
      throw new HttpError(
        409,
        'not_finished',
        `sweep ${id} has ${s.done} of ${s.plan.runs} runs done; results come when it is done`,
      );
    if (s.state === 'failed') throw new HttpError(409, 'failed', `sweep ${id} failed: ${s.error}`);
    return s;
  };
  const file = (reply: FastifyReply, type: string, body: string) => reply.type(type).send(body);

  app.post(
    '/api/sweeps',
    {
      schema: {
        summary:
          "Start a sweep (a sweep file's JSON: base preset or inline scenario, axes, policies, seconds, figures)",
        body: { type: 'object' },
        response: { 201: statusSchema, ...errors },
      },
    },
    async (req, reply) => {
      try {
        const rec = service.create(req.body);
        return reply.code(201).send(withLinks(rec.status()));
      } catch (e) {
        if (e instanceof SweepRequestError)
          throw new HttpError(e.statusCode, e.code, e.message, e.issues);
        throw e;
      }
    },
  );

  app.get(
    '/api/sweeps',
    {
      schema: {
        summary: 'The sweeps the server holds',
        response: { 200: { type: 'array', items: statusSchema } },
      },
    },
    async () => service.list().map((s) => withLinks(s.status())),
  );

  app.get(
    '/api/sweeps/examples',
    { schema: { summary: 'The example sweep files shipped under sweeps/ (for the sweep view)' } },
    async () => readSweepExamples(opts.examplesDir),
  );

  app.get<{ Params: { id: string } }>(
    '/api/sweeps/:id',
    {
      schema: {
        summary: "A sweep's progress",
        params: sweepParams,
        response: { 200: statusSchema, ...errors },
      },
    },
    async (req) => withLinks(find(req.params.id).status()),
  );

  app.get<{ Params: { id: string } }>(
    '/api/sweeps/:id/runs.csv',
    { schema: { summary: 'One row per run (CSV)', params: sweepParams, response: errors } },
    async (req, reply) => {
      const s = finished(req.params.id);
      return file(reply, 'text/csv; charset=utf-8', runsCsv(s.plan, s.results));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/sweeps/:id/runs.json',
    {
      schema: {
        summary: 'One object per run, with what the sweep was (JSON)',
        params: sweepParams,
        response: errors,
      },
    },
    async (req, reply) => {
      const s = finished(req.params.id);
      return file(reply, 'application/json; charset=utf-8', runsJson(s.plan, s.results));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/sweeps/:id/summary.csv',
    {
      schema: {
        summary:
          'Per grid cell over seeds: mean, min, max, 95 % interval, ratio to the baseline (CSV)',
        params: sweepParams,
        response: errors,
      },
    },
    async (req, reply) => {
      const s = finished(req.params.id);
      return file(reply, 'text/csv; charset=utf-8', summaryCsv(s.plan, s.results));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/sweeps/:id/summary.json',
    {
      schema: {
        summary:
          "summary.csv's table as JSON (columns and rows), with the sweep's axes, seeds, policies and figures, for charts",
        params: sweepParams,
        response: errors,
      },
    },
    async (req) => {
      const s = finished(req.params.id);
      const t = summaryTable(s.plan, s.results);
      return {
        sweep: s.plan.name,
        axes: s.plan.axes,
        seeds: s.plan.seeds,
        policies: s.plan.policies,
        baseline: s.plan.baseline,
        figures: s.plan.figures,
        columns: t.columns,
        rows: t.rows,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/sweeps/:id/stream',
    {
      websocket: true,
      schema: {
        summary: 'WebSocket: JSON progress messages of a sweep (docs/protocol.md, Sweeps)',
        params: sweepParams,
      },
    },
    (socket: WebSocket, req) => {
      const send = (m: object) =>
        socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
      const s = service.get(req.params.id);
      if (!s) {
        send({ type: 'error', code: 'not_found', message: `no sweep with id "${req.params.id}"` });
        socket.close(4404, 'no such sweep');
        return;
      }
      // Latest wins: at most one progress message per 100 ms, and always the last one.
      let last = 0;
      let timer: NodeJS.Timeout | undefined;
      let pending: SweepStatus | null = null;
      const flush = () => {
        timer = undefined;
        if (pending) send({ type: 'progress', ...pending });
        last = Date.now();
        pending = null;
      };
      const end = (st: SweepStatus) => {
        clearTimeout(timer);
        send({ type: st.state === 'failed' ? 'failed' : 'done', ...withLinks(st) });
        socket.close(1000, st.state);
      };
      send({ type: 'progress', ...s.status() });
      if (s.state !== 'running') return end(s.status());
      const unsubscribe = s.subscribe((st) => {
        if (st.state !== 'running') return end(st);
        pending = st;
        if (!timer) timer = setTimeout(flush, Math.max(0, 100 - (Date.now() - last)));
      });
      socket.on('close', () => {
        clearTimeout(timer);
        unsubscribe();
      });
    },
  );
}
