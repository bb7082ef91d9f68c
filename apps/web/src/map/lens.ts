import { LENSES, LENS_NAMES, lensId, type LensName } from '@agelab/protocol';
import type { ViewLens } from '../url-state.ts';
import { DIFF_CLASSES, DIFF_LABELS } from './cells.ts';

/** What each lens is called, what it asks, and the classes it draws (the server's, or difference's). */
export interface LensInfo {
  title: string;
  question: string;
  classes: readonly string[];
  labels: readonly string[];
}

export function lensInfo(lens: ViewLens): LensInfo {
  if (lens === 'difference')
    return {
      title: 'Difference',
      question: 'What did the policy change?',
      classes: DIFF_CLASSES,
      labels: DIFF_LABELS,
    };
  return LENSES[lens];
}

/** The lens the server is asked for: difference is computed here from residency. */
export const serverLens = (lens: ViewLens): LensName =>
  lens === 'difference' ? 'residency' : lens;
export const serverLensId = (lens: ViewLens): number => lensId(serverLens(lens));
export { LENS_NAMES };
