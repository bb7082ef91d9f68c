import {
  CLASSIC_POLICY_NAMES,
  MAX_CLASSIC_FRAMES,
  MAX_RECORDED_REFERENCES,
  TraceError,
  importTrace,
  isClassicPolicyName,
  runClassic,
  type ClassicSteps,
  type TraceImport,
} from '@agelab/sim-core';
import { HttpError } from './errors.ts';
import type { ClassicAnswer } from '@agelab/protocol';

/** Reference strings of the textbooks, for the classic replacement view. */
export const CLASSIC_PRESETS = [
  {
    name: 'belady',
    title: "Belady's anomaly",
    description:
      'FIFO faults more with 4 frames (10) than with 3 (9) on this string; LRU and OPT never do (they are stack algorithms).',
    references: '1 2 3 4 1 2 5 1 2 3 4 5',
    frames: 3,
    curve: { from: 1, to: 6 },
  },
  {
    name: 'loop',
    title: 'A loop one page larger than memory',
    description:
      'Cycling over 5 pages with 4 frames: LRU and FIFO fault on every reference, OPT keeps most.',
    references: '1 2 3 4 5 1 2 3 4 5 1 2 3 4 5 1 2 3 4 5',
    frames: 4,
    curve: { from: 1, to: 6 },
  },
  {
    name: 'silberschatz',
    title: 'The operating-systems textbook string',
    description:
      'The 20-reference string of the classic textbook example: OPT 9, LRU 12, FIFO 15 faults with 3 frames.',
    references: '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1',
    frames: 3,
    curve: { from: 1, to: 7 },
  },
] as const;

/** Most frame counts on one fault curve, and most policy-references a request may replay. */
export const MAX_CURVE_POINTS = 64;
export const MAX_REPLAY_WORK = 2e8;

export interface ClassicRequest {
  frames: number;
  policies?: string[];
  /** Faults for every frame count from..to (bounded), for the fault curve. */
  curve?: { from: number; to: number };
  /** The step table (frames down, references across), for strings of at most 10,000 references. */
  record?: boolean;
}

export type { ClassicAnswer } from '@agelab/protocol';

/** A typed reference string ("1 2 3, 4") as trace lines, so the parser's line numbers count references. */
export function stringAsTrace(text: string): Uint8Array {
  const tokens = text.split(/[\s,;]+/).filter((t) => t.length > 0);
  return new TextEncoder().encode(tokens.join('\n') + '\n');
}

/** A TraceError as a 400 naming the line (or the reference, for a typed string). */
export function traceHttpError(e: TraceError, typed: boolean): HttpError {
  const where = e.line === null ? '' : typed ? `reference ${e.line}: ` : `line ${e.line}: `;
  // the parser's message names the line itself ("trace line 4: … got "x"", as the command
  // line prints it): say it once, as a reference for a typed string
  const message = e.line === null ? e.message : e.message.replace(/^trace line \d+: /, '');
  const quoted = e.text === null ? '' : JSON.stringify(e.text);
  const text = e.text === null || message.includes(quoted) ? '' : ` (${quoted})`;
  return new HttpError(400, 'bad_trace', `${where}${message}${text}`);
}

export async function readTrace(
  chunks: AsyncIterable<Uint8Array>,
  typed: boolean,
  maxReferences: number,
): Promise<TraceImport> {
  try {
    return await importTrace(chunks, { format: 'auto', maxReferences });
  } catch (e) {
    if (e instanceof TraceError) throw traceHttpError(e, typed);
    throw e;
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Replays a trace under the chosen classic policies (all of them by default), at `frames` and,
 * for the fault curve, at every frame count of `curve`, yielding between runs so the server
 * keeps serving. The same policies and errors as `npm run sim -- replay`.
 */
export async function replayClassic(
  trace: TraceImport,
  req: ClassicRequest,
  signal: { aborted: boolean } = { aborted: false },
): Promise<ClassicAnswer> {
  const policies = (req.policies ?? [...CLASSIC_POLICY_NAMES]).map((p) => {
    if (!isClassicPolicyName(p))
      throw new HttpError(
        400,
        'unknown_policy',
        `policies: "${p}" is not a classic policy; allowed: ${CLASSIC_POLICY_NAMES.join(', ')}`,
      );
    return p;
  });
  const frameCheck = (f: number, what: string) => {
    if (!Number.isInteger(f) || f < 1 || f > MAX_CLASSIC_FRAMES)
      throw new HttpError(
        400,
        'bad_request',
        `${what}: ${f} is not a frame count from 1 to ${MAX_CLASSIC_FRAMES}`,
      );
  };
  frameCheck(req.frames, 'frames');
  const curveFrames: number[] = [];
  if (req.curve) {
    frameCheck(req.curve.from, 'curve.from');
    frameCheck(req.curve.to, 'curve.to');
    if (req.curve.to < req.curve.from)
      throw new HttpError(
        400,
        'bad_request',
        `curve.to: ${req.curve.to} is below curve.from (${req.curve.from})`,
      );
    const span = req.curve.to - req.curve.from + 1;
    const n = Math.min(MAX_CURVE_POINTS, span);
    for (let i = 0; i < n; i++)
      curveFrames.push(req.curve.from + Math.round((i * (span - 1)) / Math.max(1, n - 1)));
  }
  const runs = policies.length * (1 + curveFrames.length);
  if (runs * trace.references > MAX_REPLAY_WORK)
    throw new HttpError(
      400,
      'limit',
      `${trace.references} references × ${runs} replays is over the limit of ${MAX_REPLAY_WORK} policy-references; ask for fewer curve points or policies`,
    );
  if (req.record && trace.references > MAX_RECORDED_REFERENCES)
    throw new HttpError(
      400,
      'limit',
      `record: the step table is for strings of at most ${MAX_RECORDED_REFERENCES} references (this one has ${trace.references})`,
    );
  const results: ClassicAnswer['results'] = [];
  for (const p of policies) {
    if (signal.aborted) throw new HttpError(499, 'cancelled', 'the client went away');
    const r = runClassic(p, trace.pages, req.frames, { record: req.record === true });
    results.push({
      policy: p,
      faults: r.faults,
      hits: r.hits,
      hitRatio: r.references ? r.hits / r.references : 0,
      ...(r.steps ? { steps: stepsJson(r.steps, trace.original) } : {}),
    });
    await turn();
  }
  const curve: ClassicAnswer['curve'] = [];
  for (const frames of curveFrames) {
    const faults: Record<string, number> = {};
    for (const p of policies) {
      if (signal.aborted) throw new HttpError(499, 'cancelled', 'the client went away');
      faults[p] = runClassic(p, trace.pages, frames).faults;
    }
    curve.push({ frames, faults });
    await turn();
  }
  return {
    references: trace.references,
    distinctPages: trace.distinctPages,
    format: trace.format,
    compressed: trace.compressed,
    frames: req.frames,
    results,
    curve,
    renumbered: trace.original !== undefined,
  };
}

function stepsJson(s: ClassicSteps, original?: Float64Array) {
  const page = (p: number) => (p < 0 || !original ? p : original[p]);
  return {
    frameCount: s.frameCount,
    frames: Array.from(s.frames, page),
    faultAt: Array.from(s.faultAt),
    evicted: Array.from(s.evicted, page),
  };
}
