/**
 * REST calls of the classic and sweep views (docs/protocol.md): JSON in and out, errors as
 * ApiError with the server's message and issues, and a file upload with its progress.
 */
import { ApiError, parseIssues } from '../api.ts';
import type { ClassicAnswer, ClassicPreset } from './classic-model.ts';
import type { SweepExample, SweepStatus, SweepSummary } from './sweep-model.ts';

function apiError(status: number, statusText: string, text: string): ApiError {
  let e: { error?: string; message?: string; issues?: unknown } = {};
  try {
    e = (text ? JSON.parse(text) : {}) as typeof e;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(
    status,
    e.error ?? 'http',
    e.message ?? `${status} ${statusText}`,
    parseIssues(e.issues),
  );
}

async function json<T>(
  method: string,
  url: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  if (!res.ok) throw apiError(res.status, res.statusText, text);
  return JSON.parse(text) as T;
}

export const getClassicPresets = (): Promise<ClassicPreset[]> =>
  json('GET', '/api/classic/presets');

export interface ClassicBody {
  references?: string;
  preset?: string;
  frames: number;
  policies: string[];
  curve?: { from: number; to: number };
  record?: boolean;
}
export const replayClassic = (body: ClassicBody, signal?: AbortSignal): Promise<ClassicAnswer> =>
  json('POST', '/api/classic', body, signal);

export interface Upload<T> {
  promise: Promise<T>;
  abort(): void;
}

/**
 * POST a file's bytes with XMLHttpRequest, whose upload events give the progress fetch() does
 * not: `onProgress(sent, total)` while the body goes, then `onSent()` while the server works.
 */
export function uploadTrace(
  query: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
  onSent: () => void,
): Upload<ClassicAnswer> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<ClassicAnswer>((resolve, reject) => {
    xhr.open('POST', `/api/classic/trace?${query}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.upload.onload = () => onSent();
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ClassicAnswer);
        } catch {
          reject(
            new ApiError(xhr.status, 'bad_reply', 'the server sent a reply that is not JSON', []),
          );
        }
      } else reject(apiError(xhr.status, xhr.statusText, xhr.responseText));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'the upload failed: the server is unreachable', []));
    xhr.onabort = () => reject(new DOMException('the upload was cancelled', 'AbortError'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

export const getSweepExamples = (): Promise<SweepExample[]> => json('GET', '/api/sweeps/examples');
export const startSweep = (sweep: unknown): Promise<SweepStatus> =>
  json('POST', '/api/sweeps', sweep);
export const getSweep = (id: string): Promise<SweepStatus> =>
  json('GET', `/api/sweeps/${encodeURIComponent(id)}`);
export const getSweepSummary = (id: string): Promise<SweepSummary> =>
  json('GET', `/api/sweeps/${encodeURIComponent(id)}/summary.json`);
