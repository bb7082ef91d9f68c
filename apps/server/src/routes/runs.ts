import { PRESET_NAMES, POLICIES, getPreset, presetInput, summarize } from '@agelab/sim-core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config.ts';
import { HttpError, errorBodySchema } from '../errors.ts';
import type { LiveRun } from '../live-run.ts';
import type { RunRegistry } from '../run-registry.ts';
import { bodyOfDescriptor, resolveRunSpec, type CreateRunBody } from '../run-spec.ts';
import { createdSchema, idParams, knobChangeSchema, runStateSchema } from './schemas.ts';

export interface RunsPluginOptions {
  registry: RunRegistry;
  config: ServerConfig;
}

/** The control token from `Authorization: Bearer …` or `X-AgeLab-Token`. */
export function tokenOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const t = req.headers['x-agelab-token'];
  return typeof t === 'string' ? t : undefined;
}

export function requireToken(req: FastifyRequest, run: LiveRun): void {
  const token = tokenOf(req);
  if (!token)
    throw new HttpError(
      401,
      'missing_token',
      "this needs the run's control token (Authorization: Bearer <token> or X-AgeLab-Token)",
    );
  if (!run.tokenMatches(token))
    throw new HttpError(403, 'bad_token', 'the token does not control this run');
}

/** Only the owner's activity (the token holder's) keeps a run from expiring (issue 14, row 7). */
export function touchIfOwner(req: FastifyRequest, run: LiveRun): void {
  if (run.tokenMatches(tokenOf(req))) run.touch();
}

export const created = (run: LiveRun) => ({
  id: run.id,
  token: run.token,
  policies: run.spec.policies,
  stream: `/api/runs/${run.id}/stream`,
  descriptor: run.descriptor,
});

/** What a run is and where it stands, with its counters (no token). */
export function describeRun(run: LiveRun) {
  return {
    id: run.id,
    preset: run.spec.preset,
    scenario: run.spec.scenario,
    policies: run.spec.policies,
    seed: run.spec.seed,
    descriptor: run.descriptor,
    state: run.state(),
    viewers: run.hub.viewers.size,
    historySamples: run.history.length,
    runs: summarize(run.cmp).map((s) => ({
      policy: s.policy,
      hostKernel: s.hostKernel,
      counters: s.counters,
      slowdown: s.slowdown,
      falseOld: s.falseOld,
      steady: s.steady && {
        fromSeconds: s.steady.fromSeconds,
        toSeconds: s.steady.toSeconds,
        counters: s.steady.counters,
        slowdown: s.steady.slowdown,
        falseOld: s.steady.falseOld,
      },
    })),
  };
}

/**
 * The error replies each route really gives (OpenAPI). Every route may also answer 403
 * `bad_host` (a foreign Host header); POST and DELETE 403 `bad_origin` (a foreign Origin), and
 * POST 413 `too_large`, 415 `unsupported_media_type` and 400 `bad_json` for the body itself.
 */
const e = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorBodySchema]));
const createErrors = e(400, 403, 413, 415, 429);
const readErrors = e(400, 403, 404);
const forkErrors = e(400, 403, 404, 429);
const deleteErrors = e(400, 401, 403, 404);

/** REST: presets, policies, and runs (create, list, read, fork, delete). */
export async function runsPlugin(
  app: FastifyInstance,
  { registry, config }: RunsPluginOptions,
): Promise<void> {
  app.get(
    '/api/presets',
    {
      schema: {
        summary: 'The scenario presets',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                description: { type: 'string' },
                scenario: { type: 'object', additionalProperties: true },
              },
            },
          },
        },
      },
    },
    async () =>
      PRESET_NAMES.map((name) => ({
        name,
        description: getPreset(name).description,
        scenario: presetInput(name),
      })),
  );

  app.get(
    '/api/policies',
    {
      schema: {
        summary: 'The EPT aging policies',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                title: { type: 'string' },
                era: { type: 'string' },
                shadowAccessedMask: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
    async () =>
      Object.values(POLICIES).map((p) => ({
        name: p.name,
        title: p.title,
        era: p.era,
        shadowAccessedMask: p.shadowAccessedMask,
      })),
  );

  app.post<{ Body: CreateRunBody }>(
    '/api/runs',
    {
      schema: {
        summary: 'Create a run (policy) or a comparison (policies) of a preset or a scenario',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            descriptor: {
              type: 'string',
              maxLength: 65536,
              description:
                "a run's descriptor (from a created run or a shared URL): rebuilds that run",
            },
            preset: { type: 'string', maxLength: 100 },
            scenario: {
              type: 'object',
              description:
                'a scenario (see docs/model.md); errors name field, value and allowed range',
            },
            policy: { type: 'string', maxLength: 100 },
            policies: {
              type: 'array',
              items: { type: 'string', maxLength: 100 },
              minItems: 1,
              maxItems: 16,
            },
            seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
            knobs: { type: 'array', items: knobChangeSchema, maxItems: 10_000 },
          },
        },
        response: { 201: createdSchema, ...createErrors },
      },
    },
    async (req, reply) => {
      let body = req.body;
      if (body.descriptor !== undefined) {
        if (Object.keys(body).length !== 1)
          throw new HttpError(
            400,
            'bad_request',
            'a descriptor stands for the whole run: give it alone',
          );
        body = bodyOfDescriptor(body.descriptor, config.bodyLimit);
      }
      const run = registry.create(resolveRunSpec(body, config), undefined, {
        client: req.ip,
        fork: false,
      });
      req.log.info(
        { run: run.id, policies: run.spec.policies, scenario: run.spec.scenario.name },
        'run created',
      );
      return reply.code(201).send(created(run));
    },
  );

  app.get(
    '/api/runs',
    {
      schema: {
        summary: 'The live runs',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                scenario: { type: 'string' },
                policies: { type: 'array', items: { type: 'string' } },
                refIndex: { type: 'number' },
                time: { type: 'number' },
                playing: { type: 'boolean' },
                viewers: { type: 'integer' },
              },
            },
          },
        },
      },
    },
    async () =>
      registry.list().map((r) => ({
        id: r.id,
        scenario: r.spec.scenario.name,
        policies: r.spec.policies,
        refIndex: r.cmp.refIndex,
        time: r.cmp.time,
        playing: r.player.playing,
        viewers: r.hub.viewers.size,
      })),
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id',
    {
      schema: {
        summary: 'A run: its scenario, state and counters',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              preset: { type: ['string', 'null'] },
              scenario: { type: 'object', additionalProperties: true },
              policies: { type: 'array', items: { type: 'string' } },
              seed: { type: 'integer' },
              descriptor: { type: 'string' },
              state: runStateSchema,
              viewers: { type: 'integer' },
              historySamples: { type: 'integer' },
              runs: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    policy: { type: 'string' },
                    hostKernel: { type: 'string' },
                    counters: { type: 'object', additionalProperties: { type: 'number' } },
                    slowdown: { type: 'number' },
                    falseOld: { type: 'number' },
                    steady: {
                      type: ['object', 'null'],
                      description:
                        "the same over the steady-state window (from the scenario's steadyFromSeconds, default 10 s); null before it",
                      properties: {
                        fromSeconds: { type: 'number' },
                        toSeconds: { type: 'number' },
                        counters: { type: 'object', additionalProperties: { type: 'number' } },
                        slowdown: { type: 'number' },
                        falseOld: { type: 'number' },
                      },
                    },
                  },
                },
              },
            },
          },
          ...readErrors,
        },
      },
    },
    async (req) => {
      const run = registry.require(req.params.id);
      touchIfOwner(req, run);
      return describeRun(run);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/runs/:id/fork',
    {
      schema: {
        summary: 'Copy a run at its current time as a new run with its own token (no token needed)',
        params: idParams,
        response: { 201: createdSchema, ...forkErrors },
      },
    },
    async (req, reply) => {
      const from = registry.require(req.params.id);
      const run = registry.create(from.forkSpec(), from, { client: req.ip, fork: true });
      req.log.info({ run: run.id, from: from.id, refIndex: run.cmp.refIndex }, 'run forked');
      return reply.code(201).send(created(run));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/runs/:id',
    {
      schema: {
        summary: 'Delete a run (needs its token)',
        params: idParams,
        response: { 204: { type: 'null' }, ...deleteErrors },
      },
    },
    async (req, reply) => {
      const run = registry.require(req.params.id);
      requireToken(req, run);
      for (const v of run.hub.viewers) {
        run.hub.sendJson(v, { type: 'error', code: 'not_found', message: 'this run was deleted' });
        v.socket.close(4404, 'run deleted');
      }
      registry.delete(run.id);
      req.log.info({ run: run.id }, 'run deleted');
      return reply.code(204).send();
    },
  );
}
