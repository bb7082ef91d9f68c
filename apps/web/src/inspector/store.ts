import { create } from 'zustand';

/**
 * Where a page selection came from, so the inspector knows which moment to explain: a log row
 * names its event's time (the dashboard then seeks there), a map click means "now".
 */
export interface SelectionHint {
  gfn: number;
  /** Simulated seconds the selection is about. */
  time: number;
}
export const useSelection = create<{ hint: SelectionHint | null }>(() => ({ hint: null }));
