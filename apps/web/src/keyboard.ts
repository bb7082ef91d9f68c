import { seekBy, stepRef, stepSecond, togglePlay } from './actions.ts';
import { useConn, useUi } from './store.ts';
import { VIEW_LENSES } from './url-state.ts';

/** Controls that Space (or Enter) activates: a shortcut must not steal the key from them. */
const ACTIVATED =
  'button, summary, a[href], [role="button"], [role="tab"], [role="radio"], [role="checkbox"], [role="switch"], [role="option"], [role="menuitem"]';
/** Widgets whose arrow keys move within them (a radio group, tabs, a slider, a list). */
const ARROWED =
  '[role="radiogroup"], [role="tablist"], [role="slider"], [role="listbox"], [role="grid"], [role="menu"]';

/** Space play/pause, → step, shift+→ one second, [ ] scrub, 1–6 lenses, ? help. */
export function onKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target as HTMLElement | null;
  const tag = t?.tagName;
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || t?.isContentEditable) return;
  const ui = useUi.getState();
  if (ui.editorOpen || ui.forkAsk) return;
  if (e.key === '?') {
    useUi.setState({ helpOpen: !ui.helpOpen });
    e.preventDefault();
    return;
  }
  if (ui.helpOpen) return;
  const drive = useConn.getState().role === 'driver';
  if (e.key === ' ' && t?.closest(ACTIVATED)) return;
  if (e.key.startsWith('Arrow') && t?.closest(ARROWED)) return;
  if (e.key === ' ' && drive) {
    togglePlay();
    e.preventDefault();
  } else if (e.key === 'ArrowRight' && drive && !useConn.getState().run?.playing) {
    if (e.shiftKey) stepSecond();
    else stepRef();
    e.preventDefault();
  } else if ((e.key === '[' || e.key === ']') && drive) {
    seekBy(e.key === '[' ? -1 : 1);
    e.preventDefault();
  } else if (/^[1-6]$/.test(e.key)) {
    const lens = VIEW_LENSES[Number(e.key) - 1];
    if (lens === 'difference' && (useConn.getState().welcome?.policies.length ?? 0) < 2) return;
    useUi.setState({ lens });
    e.preventDefault();
  }
}
