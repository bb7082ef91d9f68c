/**
 * The page-history query, GET /api/runs/:id/pages/:gfn/history?from=&to= (docs/protocol.md, "A
 * page's history"): every event that touched one guest frame in a window, in every run of the
 * comparison, re-simulated on demand by the server. The reply is checked before use: a reply of
 * another shape is an error that says which field is wrong.
 */

import type { PageEvent, PageHistory, PageHistoryRun } from '@agelab/protocol';
export type { PageEvent, PageHistory, PageHistoryRun } from '@agelab/protocol';

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function bad(where: string, what: string): never {
  throw new HistoryError(`page history reply: ${where} ${what}`, 0, 'bad_reply');
}

/** Check a reply's shape (throws HistoryError naming the field). */
export function parsePageHistory(raw: unknown): PageHistory {
  if (!isObj(raw)) bad('', 'is not an object');
  for (const k of ['gfn', 'from', 'to'] as const)
    if (typeof raw[k] !== 'number') bad(k, `is ${JSON.stringify(raw[k])}, expected a number`);
  if (!Array.isArray(raw.runs)) bad('runs', 'is not an array');
  const runs = raw.runs.map((r: unknown, i: number): PageHistoryRun => {
    if (!isObj(r)) bad(`runs[${i}]`, 'is not an object');
    if (typeof r.policy !== 'string') bad(`runs[${i}].policy`, 'is not a string');
    if (!Array.isArray(r.events)) bad(`runs[${i}].events`, 'is not an array');
    const end = r.end;
    if (!isObj(end) || !isObj(end.classes)) bad(`runs[${i}].end.classes`, 'is missing');
    const events = r.events.map((e: unknown, j: number): PageEvent => {
      const at = `runs[${i}].events[${j}]`;
      if (!isObj(e)) bad(at, 'is not an object');
      if (typeof e.time !== 'number' || typeof e.refIndex !== 'number')
        bad(`${at}.time`, 'is not a number');
      if (typeof e.kind !== 'string' || typeof e.path !== 'string')
        bad(`${at}.kind`, 'is not a string');
      const ev: PageEvent = {
        refIndex: e.refIndex,
        time: e.time,
        kind: e.kind,
        arg: typeof e.arg === 'number' ? e.arg : 0,
        path: e.path,
        pass: typeof e.pass === 'number' ? e.pass : null,
      };
      if (
        e.verdict === 'young' ||
        e.verdict === 'old' ||
        e.verdict === 'false old' ||
        e.verdict === 'false young'
      )
        ev.verdict = e.verdict;
      return ev;
    });
    const classes: Record<string, string> = {};
    for (const [k, v] of Object.entries(end.classes)) if (typeof v === 'string') classes[k] = v;
    return {
      policy: r.policy,
      events,
      truncated: r.truncated === true,
      end: { classes, lastTouch: typeof end.lastTouch === 'number' ? end.lastTouch : null },
    };
  });
  return { gfn: raw.gfn as number, from: raw.from as number, to: raw.to as number, runs };
}

/** Ask the server; `signal` cancels it (a new selection), and the server stops replaying. */
export async function fetchPageHistory(
  runId: string,
  gfn: number,
  from: number,
  to: number,
  signal: AbortSignal,
): Promise<PageHistory> {
  const url = `/api/runs/${encodeURIComponent(runId)}/pages/${gfn}/history?from=${from}&to=${to}`;
  const res = await fetch(url, { signal });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* a body that is not JSON: reported below by status */
  }
  if (!res.ok) {
    const b = isObj(body) ? body : {};
    throw new HistoryError(
      typeof b.message === 'string' ? b.message : `HTTP ${res.status}`,
      res.status,
      typeof b.error === 'string' ? b.error : 'http',
    );
  }
  return parsePageHistory(body);
}
