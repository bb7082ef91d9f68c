import type { KnobChange, RunState } from '@agelab/protocol';

/** REST calls of the dashboard (docs/protocol.md). Errors come back as ApiError with field issues. */
export interface PresetInfo {
  name: string;
  description: string;
  scenario: ScenarioJson;
}
export interface PolicyInfo {
  name: string;
  title: string;
  era: string;
}
export type ScenarioJson = { [key: string]: JsonValue };
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface CreatedRun {
  id: string;
  token: string;
  policies: string[];
  stream: string;
  descriptor?: string;
}
export interface RunInfo {
  id: string;
  preset?: string | null;
  scenario: ScenarioJson;
  policies: string[];
  seed: number;
  state: RunState;
  descriptor?: string;
}
export interface FieldIssue {
  /** Dotted path of the field ("host.memcgLimitMiB"), or "" for the whole scenario. */
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
  }
}

/** Issues as the server sends them: objects `{path, message}`, or (older servers) "path: message" strings. */
export function parseIssues(raw: unknown): FieldIssue[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((i): FieldIssue[] => {
    if (typeof i === 'string') {
      const m = /^([A-Za-z0-9_.]+|\(scenario\)): (.*)$/s.exec(i);
      return m
        ? [{ path: m[1] === '(scenario)' ? '' : m[1], message: m[2] }]
        : [{ path: '', message: i }];
    }
    if (i && typeof i === 'object') {
      const o = i as { path?: unknown; message?: unknown };
      const path = Array.isArray(o.path)
        ? o.path.join('.')
        : typeof o.path === 'string'
          ? o.path
          : '';
      return [{ path, message: typeof o.message === 'string' ? o.message : JSON.stringify(i) }];
    }
    return [];
  });
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string; issues?: unknown };
    throw new ApiError(
      res.status,
      e.error ?? 'http',
      e.message ?? `${res.status} ${res.statusText}`,
      parseIssues(e.issues),
    );
  }
  return json as T;
}

export const getPresets = (): Promise<PresetInfo[]> => call('GET', '/api/presets');
export const getPolicies = (): Promise<PolicyInfo[]> => call('GET', '/api/policies');
export const getRun = (id: string): Promise<RunInfo> =>
  call('GET', `/api/runs/${encodeURIComponent(id)}`);

export interface CreateRun {
  preset?: string;
  scenario?: ScenarioJson;
  descriptor?: string;
  policies?: string[];
  seed?: number;
  knobs?: KnobChange[];
}
export const createRun = (body: CreateRun): Promise<CreatedRun> => call('POST', '/api/runs', body);
