import {
  DRIVER_ONLY,
  LENS_NAMES,
  ProtocolError,
  parseClientMessage,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
} from '@agelab/protocol';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServerConfig } from '../config.ts';
import { HttpError } from '../errors.ts';
import { newViewer, type Viewer } from '../hub.ts';
import { EVENT_NAMES } from '@agelab/sim-core';
import { shippedLessons } from '../lessons.ts';
import { clampViewport } from '../map-view.ts';
import type { LiveRun } from '../live-run.ts';
import type { RunRegistry } from '../run-registry.ts';
import { idParams } from './schemas.ts';

export interface StreamPluginOptions {
  registry: RunRegistry;
  config: ServerConfig;
}

/** A token bucket: `rate` messages a second, bursts of up to `rate`. */
function rateLimiter(rate: number): () => boolean {
  let tokens = rate;
  let last = performance.now();
  return () => {
    const now = performance.now();
    tokens = Math.min(rate, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/**
 * The integer `id` of a message the protocol refused, if it can be read: from its JSON when
 * that parses, else from a top-level-looking `"id": 123` in the text.
 */
export function idOf(text: string): number | undefined {
  try {
    const j: unknown = JSON.parse(text);
    if (typeof j === 'object' && j !== null && !Array.isArray(j)) {
      const id = (j as { id?: unknown }).id;
      return Number.isSafeInteger(id) && (id as number) >= 0 ? (id as number) : undefined;
    }
    return undefined;
  } catch {
    const m = /[{,]\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(text);
    return m ? Number(m[1]) : undefined;
  }
}

/** A viewer's keyframe requests are honoured at most once per this many ms (the rest coalesce). */
export const KEYFRAME_INTERVAL_MS = 500;
const keyframeState = new WeakMap<
  Viewer,
  { last: number; timer: ReturnType<typeof setTimeout> | null }
>();

/**
 * Keyframes of a large comparison are megabytes each: a socket asking 40 a second (under the
 * message rate) must not make the server encode and send 40 (issue 14, row 2). The first request
 * is served at once; further ones within KEYFRAME_INTERVAL_MS become one, at the end of it.
 */
function keyframeThrottle(run: LiveRun, viewer: Viewer): void {
  const now = performance.now();
  let st = keyframeState.get(viewer);
  if (!st) keyframeState.set(viewer, (st = { last: -Infinity, timer: null }));
  if (st.timer) return;
  const wait = st.last + KEYFRAME_INTERVAL_MS - now;
  if (wait <= 0) {
    st.last = now;
    run.hub.requestKeyframe(viewer);
    return;
  }
  const state = st;
  state.timer = setTimeout(() => {
    state.timer = null;
    state.last = performance.now();
    if (run.hub.viewers.has(viewer)) run.hub.requestKeyframe(viewer);
  }, wait);
  state.timer.unref();
}

/** Carry out one viewer message; throws ProtocolError for a refusal. Returns the reply. */
function execute(
  msg: ClientMessage,
  run: LiveRun,
  viewer: Viewer,
  registry: RunRegistry,
  config: ServerConfig,
  client: string,
): ServerMessage {
  if (DRIVER_ONLY.has(msg.type) && viewer.role !== 'driver')
    throw new ProtocolError(
      'forbidden',
      `only the driver may send "${msg.type}": send {"type":"auth","token":…} with the run's control token`,
    );
  const p = run.player;
  const rate = run.cmp.rate;
  switch (msg.type) {
    case 'auth':
      if (!run.tokenMatches(msg.token))
        throw new ProtocolError('bad_token', 'the token does not control this run');
      viewer.role = 'driver';
      run.touch();
      return { type: 'role', id: msg.id, role: 'driver' };
    case 'play':
      p.play(msg.speed);
      break;
    case 'pause':
      p.pause();
      break;
    case 'speed':
      p.setSpeed(msg.value);
      break;
    case 'step':
      if (msg.until === 'reclaim') p.stepToReclaim(Math.round(10 * rate));
      else p.stepRefs(msg.refs ?? Math.max(1, Math.round((msg.seconds ?? 0) * rate)));
      break;
    case 'reset':
      p.reset();
      break;
    case 'seek':
      p.seek(msg.refIndex ?? Math.round((msg.time ?? 0) * rate));
      break;
    case 'knob':
      run.setKnob(msg.name, msg.value);
      break;
    case 'keyframe':
      keyframeThrottle(run, viewer);
      break;
    case 'lesson': {
      if (msg.lesson !== null) {
        const lesson = shippedLessons().find((l) => l.name === msg.lesson);
        if (!lesson)
          throw new ProtocolError(
            'bad_message',
            `lesson.lesson: no lesson "${msg.lesson}"; lessons: ${shippedLessons()
              .map((l) => l.name)
              .join(', ')}`,
          );
        if (msg.step >= lesson.steps.length)
          throw new ProtocolError(
            'bad_message',
            `lesson.step: ${msg.step} is past the last step of "${lesson.name}" (${lesson.steps.length - 1})`,
          );
      }
      run.setLesson(msg.lesson === null ? null : { lesson: msg.lesson, step: msg.step });
      break;
    }
    case 'viewport': {
      const runs = run.cmp.sims.length;
      if (msg.run !== undefined && msg.run >= runs)
        throw new ProtocolError(
          'bad_message',
          `viewport.run: ${msg.run} is not a run of this comparison; allowed 0 to ${runs - 1}`,
        );
      const pages = run.cmp.sims[0].guestPages;
      if (msg.from >= pages)
        throw new ProtocolError(
          'bad_message',
          `viewport.from: ${msg.from} is past the guest's last frame (${pages - 1})`,
        );
      const spec = clampViewport(
        { from: msg.from, to: msg.to, cells: msg.cells, lens: LENS_NAMES.indexOf(msg.lens) },
        pages,
        config.maxCells,
      );
      const list = msg.run === undefined ? [...Array(runs).keys()] : [msg.run];
      const n = run.hub.setViewport(viewer, list, spec);
      return {
        type: 'viewport',
        id: msg.id,
        viewport: n,
        run: msg.run ?? null,
        from: spec.from,
        to: spec.to,
        cells: spec.cells,
        lens: msg.lens,
      };
    }
    case 'events': {
      let kinds = 0;
      for (const name of msg.kinds) {
        const k = EVENT_NAMES.indexOf(name);
        if (k < 0)
          throw new ProtocolError(
            'bad_message',
            `events.kinds: "${name}" is not an event kind; known: ${EVENT_NAMES.join(', ')}`,
          );
        kinds |= 1 << k;
      }
      const maxPerSecond = Math.min(msg.maxPerSecond ?? 2000, config.maxEventsPerSecond);
      run.hub.subscribe(
        viewer,
        kinds === 0 ? null : { kinds, from: msg.from ?? 0, to: msg.to ?? Infinity, maxPerSecond },
      );
      break;
    }
    case 'lead': {
      const target = registry.get(msg.runId);
      if (!target)
        throw new ProtocolError('not_found', `lead.runId: no run with id "${msg.runId}"`);
      if (target === run)
        throw new ProtocolError('bad_message', 'lead.runId: the class is on this run already');
      if (!target.tokenMatches(msg.token))
        throw new ProtocolError(
          'bad_token',
          `lead.token: the token does not control run "${msg.runId}"`,
        );
      for (const v of run.hub.viewers)
        if (v !== viewer) run.hub.sendJson(v, { type: 'follow', runId: target.id });
      break;
    }
    case 'fork': {
      if (msg.follow && viewer.role !== 'driver')
        throw new ProtocolError(
          'forbidden',
          'only the driver may take the class into a fork ("follow": true); fork without it to get a sandbox of your own',
        );
      let fork: LiveRun;
      try {
        fork = registry.create(run.forkSpec(), run, { client, fork: true });
      } catch (e) {
        if (e instanceof HttpError) throw new ProtocolError('limit', e.message);
        throw e;
      }
      if (msg.follow) {
        // the class follows: the fork starts at the class's lesson step, every other viewer
        // is told to watch it, and the run they leave stops where it is
        fork.lesson = run.lesson;
        p.pause();
        for (const v of run.hub.viewers)
          if (v !== viewer) run.hub.sendJson(v, { type: 'follow', runId: fork.id });
      }
      return { type: 'forked', id: msg.id, runId: fork.id, token: fork.token };
    }
  }
  return { type: 'ack', id: msg.id, of: msg.type };
}

/**
 * GET /api/runs/:id/stream (WebSocket): one socket per viewer per run. `?token=` (or an `auth`
 * message) makes the connection the driver. Binary frames carry data, text frames JSON
 * (docs/protocol.md). Every refused message gets an error message and the socket stays open.
 */
export async function streamPlugin(
  app: FastifyInstance,
  { registry, config }: StreamPluginOptions,
): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { token?: string } }>(
    '/api/runs/:id/stream',
    {
      websocket: true,
      schema: {
        summary: 'WebSocket stream of a run (see docs/protocol.md)',
        params: idParams,
        querystring: { type: 'object', properties: { token: { type: 'string', maxLength: 256 } } },
      },
    },
    (socket: WebSocket, req) => {
      // A socket that does not read gets no more replies once it holds maxBufferedBytes unsent:
      // they are dropped (counted), never queued without bound (issue 14, row 3).
      let dropped = 0;
      const send = (m: ServerMessage) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > config.maxBufferedBytes) {
          dropped++;
          return;
        }
        socket.send(JSON.stringify(m));
      };
      const fail = (code: ErrorCode, message: string, id?: number) =>
        send({ type: 'error', code, message, ...(id === undefined ? {} : { id }) });
      const run = registry.get(req.params.id);
      if (!run) {
        fail(
          'not_found',
          `no run with id "${req.params.id}" (it may have expired or been deleted)`,
        );
        socket.close(4404, 'no such run');
        return;
      }
      if (run.hub.viewers.size >= config.maxViewersPerRun) {
        fail(
          'too_many_viewers',
          `this run already has ${config.maxViewersPerRun} viewers (AGELAB_MAX_VIEWERS_PER_RUN)`,
        );
        socket.close(4429, 'too many viewers');
        return;
      }
      const token = req.query.token;
      const viewer: Viewer = newViewer(socket, run.tokenMatches(token) ? 'driver' : 'viewer');
      if (viewer.role === 'driver') run.touch();
      run.hub.add(viewer, run.welcome(viewer.role, config));
      if (token !== undefined && viewer.role !== 'driver')
        fail('bad_token', 'the token in the URL does not control this run; watching only');
      req.log.info({ run: run.id, role: viewer.role }, 'viewer joined');
      const allow = rateLimiter(config.maxMessagesPerSecond);

      socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        // only the owner's activity keeps a run alive
        if (viewer.role === 'driver') run.touch();
        if (!allow())
          return fail(
            'rate_limited',
            `more than ${config.maxMessagesPerSecond} messages a second; this one was ignored`,
          );
        if (isBinary)
          return fail(
            'binary_not_accepted',
            'viewers send JSON text messages; binary frames are for data from the server',
          );
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (bytes.length > config.maxMessageBytes)
          return fail(
            'too_large',
            `message of ${bytes.length} bytes is over the limit of ${config.maxMessageBytes} (AGELAB_MAX_MESSAGE_BYTES)`,
          );
        let msg: ClientMessage;
        try {
          msg = parseClientMessage(bytes.toString('utf8'));
        } catch (e) {
          // the reply echoes the request's id when one can be read from it
          if (e instanceof ProtocolError)
            return fail(e.code, e.message, idOf(bytes.toString('utf8')));
          throw e;
        }
        try {
          if (!registry.get(run.id)) throw new ProtocolError('not_found', 'this run was deleted');
          send(execute(msg, run, viewer, registry, config, req.ip));
        } catch (e) {
          if (e instanceof ProtocolError) return fail(e.code, e.message, msg.id);
          req.log.error({ err: e, run: run.id }, 'command failed');
          fail(
            'internal',
            `"${msg.type}" failed: ${e instanceof Error ? e.message : String(e)}`,
            msg.id,
          );
        }
      });
      socket.on('close', () => {
        run.hub.remove(viewer);
        if (viewer.role === 'driver') run.touch();
        req.log.info(
          { run: run.id, role: viewer.role, skipped: viewer.skipped, droppedReplies: dropped },
          'viewer left',
        );
      });
    },
  );
}
