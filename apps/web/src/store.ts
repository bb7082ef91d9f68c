import { create } from 'zustand';
import type { Role, RunState, WelcomeMsg } from '@agelab/protocol';

export type Status = 'idle' | 'creating' | 'connecting' | 'open' | 'closed';

/**
 * The one store of the page, fed by the socket (connection.ts). Page views are typed arrays
 * mutated in place (a 1M-page guest is not copied per frame); `pagesVersion` changes when they
 * do, so a view subscribes to the number and redraws.
 */
export interface LabState {
  status: Status;
  runId: string | null;
  token: string | null;
  role: Role;
  welcome: WelcomeMsg | null;
  run: RunState | null;
  /** Latest counter vector per run (kernel counters then derived figures) and its reference index. */
  counters: Float64Array[];
  countersRef: number;
  pages: Uint8Array[];
  pagesVersion: number;
  /** Event records received, per run (the stream is sampled while playing). */
  events: number[];
  errors: string[];
}

export const useLab = create<LabState>(() => ({
  status: 'idle',
  runId: null,
  token: null,
  role: 'viewer',
  welcome: null,
  run: null,
  counters: [],
  countersRef: 0,
  pages: [],
  pagesVersion: 0,
  events: [],
  errors: [],
}));

export function pushError(message: string): void {
  useLab.setState((s) => ({ errors: [...s.errors.slice(-4), message] }));
}
