import { create } from 'zustand';
import type { SweepCell, SweepExample, SweepStatus, SweepSummary } from './sweep-model.ts';

/**
 * The sweep view's state: the examples, the sweep text as edited, the running sweep's status
 * (from its progress socket), and the finished sweep's summary with what the chart shows.
 */
export interface SweepViewState {
  examples: SweepExample[];
  /** The example file the text started from, or '' once it is edited into something else. */
  example: string;
  text: string;
  /** A problem with the text (JSON or the server's validation), shown at the text field. */
  textError: { message: string; issues: string[] } | null;
  /** Any other error (network, a failed sweep). */
  error: string | null;
  status: SweepStatus | null;
  summary: SweepSummary | null;
  figure: string;
  axis: string;
  /** Values of the axes not on the chart, by path. */
  fixed: Record<string, SweepCell>;
  logScale: boolean;
}

export const useSweeps = create<SweepViewState>(() => ({
  examples: [],
  example: '',
  text: '',
  textError: null,
  error: null,
  status: null,
  summary: null,
  figure: 'slowdown',
  axis: '',
  fixed: {},
  logScale: false,
}));
