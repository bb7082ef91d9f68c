/**
 * Property-based fuzzing (issue 14, "Evidence") of every parser and message handler that takes
 * client input: scenarios, trace lines, socket messages (parsed and carried out), descriptors,
 * and REST bodies through the whole app. The property everywhere: the input is accepted, or
 * refused with the parser's own error that names what and where — never another exception, a
 * 500, or a closed process.
 */
import { deflateRawSync } from 'node:zlib';
import { ProtocolError, parseClientMessage } from '@agelab/protocol';
import {
  PRESET_NAMES,
  ScenarioError,
  TraceError,
  parseLackeyTrace,
  parsePageTrace,
  parseScenario,
  presetInput,
} from '@agelab/sim-core';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { HttpError } from './errors.ts';
import { bodyOfDescriptor, descriptorOf, resolveRunSpec } from './run-spec.ts';
import { TestViewer, createRun, listeningApp } from './test-support.ts';

const cfg = { ...DEFAULT_CONFIG, webDist: '/nonexistent' };

/** A valid input with one value somewhere replaced by an arbitrary JSON value. */
function mutate(base: unknown, path: number[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (let d = 0; d < path.length; d++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[path[d] % keys.length];
    const child = node[k];
    if (d === path.length - 1 || typeof child !== 'object' || child === null) {
      node[k] = value;
      return copy;
    }
    node = child as Record<string, unknown>;
  }
  return copy;
}

const mutation = fc.tuple(
  fc.constantFrom(...PRESET_NAMES),
  fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('fuzz: parsers', () => {
  it('parseScenario: any JSON, and presets with any value anywhere replaced, is a Scenario or a ScenarioError', () => {
    const check = (input: unknown) => {
      try {
        parseScenario(input);
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        const issues = (e as ScenarioError).issues;
        expect(issues.length).toBeGreaterThan(0);
        // every issue names where: a path or "(scenario)"
        for (const i of issues) expect(i).toMatch(/^[\w.()]+: /);
      }
    };
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), check), { numRuns: 2000 });
    fc.assert(
      fc.property(mutation, ([p, path, v]) => check(mutate(presetInput(p), path, v))),
      { numRuns: 3000 },
    );
  });

  it('trace parsers: any text is a trace or a TraceError naming the line', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.bigInt({ min: -1n, max: 2n ** 60n }).map(String),
      fc
        .tuple(fc.constantFrom(' L', ' S', ' M', 'I ', 'X'), fc.nat(), fc.nat({ max: 64 }))
        .map(([k, a, s]) => `${k} ${a.toString(16)},${s}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        for (const parse of [parsePageTrace, parseLackeyTrace])
          try {
            parse(text);
          } catch (e) {
            expect(e).toBeInstanceOf(TraceError);
            expect((e as Error).message.length).toBeGreaterThan(0);
          }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseClientMessage: any text is a message or a ProtocolError', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          type: fc.constantFrom(
            'auth',
            'viewport',
            'events',
            'play',
            'pause',
            'step',
            'speed',
            'reset',
            'seek',
            'knob',
            'fork',
            'keyframe',
            'x',
          ),
          id: fc.oneof(fc.integer(), fc.string()),
          refs: fc.jsonValue({ maxDepth: 1 }),
          from: fc.oneof(fc.double(), fc.integer()),
          to: fc.oneof(fc.double(), fc.integer()),
          cells: fc.integer(),
          lens: fc.string({ maxLength: 12 }),
          name: fc.string({ maxLength: 24 }),
          value: fc.double(),
        })
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          parseClientMessage(t);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('descriptors: any string, and valid descriptors with any value replaced, are a run spec or a 400', () => {
    const check = (d: string) => {
      try {
        resolveRunSpec(bodyOfDescriptor(d, cfg.bodyLimit), cfg);
      } catch (e) {
        expect(e).toBeInstanceOf(HttpError);
        expect((e as HttpError).statusCode).toBe(400);
      }
    };
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => check(s)),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => check(`r1.${s}`)),
      { numRuns: 1000 },
    );
    const spec = resolveRunSpec({ preset: 'classic', policies: ['always-old'] }, cfg);
    const base = {
      p: 'classic',
      P: ['always-old'],
      S: 1,
      k: [[0, 'limitMiB', 96]],
    };
    expect(() => check(descriptorOf(spec))).not.toThrow();
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.jsonValue({ maxDepth: 3 }),
        (path, v) => {
          const j = mutate(base, path, v);
          check(`r1.${deflateRawSync(JSON.stringify(j)).toString('base64url')}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('fuzz: handlers', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ ...cfg, maxRunsPerClient: 10_000, maxRuns: 10_000 }, { logger: false });
  });
  afterAll(() => app.close());

  it('POST /api/runs: any JSON body, and valid bodies with any value replaced, get 201, 400 or 429 with an error body — never 500', async () => {
    const valid = {
      scenario: presetInput('idle'),
      policies: ['always-old', 'ept-ad-bits'],
      seed: 3,
      knobs: [{ at: 0, knob: 'limitMiB', value: 96 }],
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 5 }),
          fc
            .tuple(
              fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
              fc.jsonValue({ maxDepth: 3 }),
            )
            .map(([path, v]) => mutate(valid, path, v)),
        ),
        async (body) => {
          const res = await app.inject({
            method: 'POST',
            url: '/api/runs',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          expect([201, 400, 429], res.body).toContain(res.statusCode);
          const j = res.json() as { error?: string; message?: string; id?: string };
          if (res.statusCode === 201) app.registry.delete(j.id!);
          else {
            expect(typeof j.error).toBe('string');
            expect(j.message!.length).toBeGreaterThan(0);
            expect(res.body).not.toMatch(/at .*\.ts:\d+/); // no stack
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);

  it('the socket: any message sequence gets a reply each, none "internal", and the socket stays open', async () => {
    const { app: live, ws } = await listeningApp({ maxMessagesPerSecond: 100_000 });
    const { id, token } = await createRun(live, { preset: 'idle', policies: ['always-old'] });
    const v = await TestViewer.open(`${ws}/api/runs/${id}/stream`);
    await v.json('welcome');
    await v.request({ type: 'auth', token }, 0);
    const msg = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        type: fc.constantFrom('viewport', 'events', 'step', 'seek', 'knob', 'speed', 'keyframe'),
        from: fc.oneof(fc.nat(), fc.double()),
        to: fc.oneof(fc.nat(), fc.double()),
        cells: fc.nat(),
        lens: fc.constantFrom('residency', 'lru', 'belief', 'heat', 'huge', 'x'),
        refs: fc.nat({ max: 1000 }),
        refIndex: fc.nat({ max: 100_000 }),
        name: fc.constantFrom('limitMiB', 'hotMiB', 'thp', 'khugepagedPagesToScan', 'x'),
        value: fc.double(),
        kinds: fc.array(fc.constantFrom('ref', 'age', 'swap_out', 'x'), { maxLength: 3 }),
      }),
    );
    let n = 1;
    await fc.assert(
      fc.asyncProperty(msg, async (m) => {
        const id = n++;
        const body = typeof m === 'object' && m !== null && !Array.isArray(m) ? { ...m, id } : m;
        const from = v.items.length;
        v.send(JSON.stringify(body));
        if (body !== m) {
          const reply = await v.next(
            (it) => it.kind === 'json' && 'id' in it.msg && it.msg.id === id,
            from,
            10_000,
          );
          if (reply.kind === 'json' && reply.msg.type === 'error')
            expect(reply.msg.code).not.toBe('internal');
        }
      }),
      { numRuns: 300 },
    );
    expect(v.closed).toBeNull();
    v.close();
    await live.close();
  }, 120_000);
});
