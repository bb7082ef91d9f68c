import { useEffect, useRef, type ReactNode } from 'react';
import { useClock, useUi } from '../store.ts';
import { send } from '../connection.ts';

export function Dialog({
  title,
  onClose,
  children,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('keydown', key);
      prev?.focus?.();
    };
  }, [onClose]);
  const id = `dlg-${title.replace(/\W+/g, '-')}`;
  return (
    <div className="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className={`dialog${wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        tabIndex={-1}
        ref={ref}
      >
        <header>
          <h2 id={id}>{title}</h2>
          <button className="close" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export const SHORTCUTS: [string, string][] = [
  ['Space', 'play / pause'],
  ['→', 'step one reference'],
  ['Shift + →', 'step one simulated second'],
  ['[ and ]', 'scrub one second back / forward'],
  ['1 – 6', 'lenses: residency, LRU, belief vs truth, heat, hugepages, difference'],
  ['?', 'this help'],
  ['Esc', 'close a dialog'],
];

export function HelpDialog() {
  const open = useUi((s) => s.helpOpen);
  if (!open) return null;
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => useUi.setState({ helpOpen: false })}>
      <dl className="shortcuts">
        {SHORTCUTS.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p className="field-note">
        Scroll or pinch on a map to zoom the address range (every column follows), drag to pan,
        hover a cell for its pages.
      </p>
    </Dialog>
  );
}

/**
 * A driver forks: the class watches this run; should it follow the driver into the fork? Yes:
 * every viewer is moved into the fork (as a viewer) and the driver drives it. No: the shared
 * run pauses where it is and the driver goes on alone in a sandbox.
 */
export function ForkDialog() {
  const open = useUi((s) => s.forkAsk);
  if (!open) return null;
  const close = () => useUi.setState({ forkAsk: false });
  return (
    <Dialog title="Fork this run" onClose={close}>
      <p>
        A fork is a copy of the run at this moment (t = {useClock.getState().time.toFixed(2)} s)
        that you drive. Anyone watching this run through its link sees what you do now. Should the
        class follow you into the fork?
      </p>
      <div className="dialog-actions">
        <button onClick={close}>Cancel</button>
        <button
          onClick={() => {
            close();
            send({ type: 'pause' });
            send({ type: 'fork' });
          }}
          title="The shared run pauses where it is; you continue alone in a sandbox of your own"
        >
          No, I go alone (the class stays here, paused)
        </button>
        <button
          className="primary"
          onClick={() => {
            close();
            send({ type: 'fork', follow: true });
          }}
          title="Every viewer of this run is moved into the fork with you, and you keep driving"
        >
          Yes, the class follows
        </button>
      </div>
    </Dialog>
  );
}
