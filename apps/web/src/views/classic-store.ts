import { create } from 'zustand';
import type { ClassicAnswer, ClassicPreset } from './classic-model.ts';
import { CLASSIC_VIEW_POLICIES } from './classic-model.ts';

/** Where the reference string comes from. */
export type ClassicSource = 'preset' | 'typed' | 'file';
/** The field an error belongs to, so it is shown there. */
export type ClassicField = 'references' | 'file' | 'frames' | 'curve' | 'policies' | 'form';

/**
 * The classic replacement view's state: the form as typed (raw strings, checked on replay), the
 * request under way, and the last answer with the reference tokens its step tables are drawn
 * against.
 */
export interface ClassicState {
  presets: ClassicPreset[];
  source: ClassicSource;
  preset: string;
  typed: string;
  file: File | null;
  frames: string;
  policies: string[];
  curveFrom: string;
  curveTo: string;
  /** The request under way: the upload's bytes sent, then the server's replay. */
  busy: { phase: 'upload' | 'replay'; sent: number; total: number } | null;
  answer: ClassicAnswer | null;
  /** The reference string the answer's step tables belong to (empty for an uploaded file). */
  tokens: string[];
  /** What the answer replayed, in words ("Belady's anomaly", "belady.txt.gz"). */
  answerOf: string;
  error: { field: ClassicField; message: string } | null;
}

export const useClassic = create<ClassicState>(() => ({
  presets: [],
  source: 'preset',
  preset: 'belady',
  typed: '',
  file: null,
  frames: '3',
  policies: [...CLASSIC_VIEW_POLICIES],
  curveFrom: '1',
  curveTo: '6',
  busy: null,
  answer: null,
  tokens: [],
  answerOf: '',
  error: null,
}));
