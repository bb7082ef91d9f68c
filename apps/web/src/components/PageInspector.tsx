import { useEffect, useState } from 'react';
import { useClock, useConn, useUi } from '../store.ts';
import { useSelection } from '../inspector/store.ts';
import {
  fetchPageHistory,
  HistoryError,
  type PageHistory,
  type PageHistoryRun,
} from '../inspector/history.ts';
import { explainPage } from '../inspector/chain.ts';
import { fmtInt, MiB_PAGES } from '../format.ts';
import { runColour } from '../map/colours.ts';
import './explain.css';

/** The server's longest page-history window (AGELAB_MAX_PAGE_HISTORY_S, 120 s by default). */
const MAX_WINDOW_S = 120;
const SPANS = [
  { s: 10, label: 'the last 10 s' },
  { s: 30, label: 'the last 30 s' },
  { s: MAX_WINDOW_S, label: 'the last 120 s' },
];

type Load =
  | { state: 'idle' }
  | { state: 'loading'; from: number; to: number; since: number }
  | { state: 'done'; history: PageHistory }
  | { state: 'error'; message: string };

/**
 * The page inspector: for the selected guest frame (a map cell or a log row), in every run of the
 * comparison, the page's state at the end of the window and its history as a causal chain, from
 * the server's page-history query (re-simulated on demand, so it may take seconds: progress is
 * shown, and a new selection cancels the query in flight).
 */
export function PageInspector() {
  const gfn = useUi((s) => s.selectedGfn);
  const brush = useUi((s) => s.brush);
  const runId = useConn((s) => s.runId);
  const guestPages = useConn((s) => s.welcome?.guestPages ?? 0);
  const [span, setSpan] = useState(10);
  const [load, setLoad] = useState<Load>({ state: 'idle' });
  const [retry, setRetry] = useState(0);
  const [, tick] = useState(0);

  useEffect(() => {
    if (gfn === null || !runId) {
      setLoad({ state: 'idle' });
      return;
    }
    const hint = useSelection.getState().hint;
    const now = hint && hint.gfn === gfn ? hint.time : useClock.getState().time;
    let from: number;
    let to: number;
    if (brush) {
      to = brush[1];
      from = Math.max(brush[0], to - MAX_WINDOW_S);
    } else {
      to = now;
      from = Math.max(0, now - span);
    }
    to = Math.max(to, from + 0.001);
    const ctl = new AbortController();
    setLoad({ state: 'loading', from, to, since: Date.now() });
    let timer: ReturnType<typeof setTimeout> | null = null;
    fetchPageHistory(runId, gfn, from, to, ctl.signal).then(
      (history) => setLoad({ state: 'done', history }),
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        if (e instanceof HistoryError && e.code === 'busy' && retry < 20) {
          // one replay per run at a time: another tab or a seek holds it; try again shortly
          timer = setTimeout(() => setRetry((n) => n + 1), 1000);
          return;
        }
        setLoad({ state: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [gfn, runId, brush, span, retry]);

  // the elapsed time while loading
  useEffect(() => {
    if (load.state !== 'loading') return;
    const id = setInterval(() => tick((n) => n + 1), 250);
    return () => clearInterval(id);
  }, [load.state]);

  return (
    <section className="panel inspector" role="region" aria-label="Page inspector">
      <h2>
        Page inspector
        {gfn !== null && (
          <>
            {': '}
            <code data-testid="inspector-gfn">gfn {fmtInt(gfn)}</code>{' '}
            <span className="panel-note">({(gfn / MiB_PAGES).toFixed(2)} MiB into the guest)</span>
          </>
        )}
      </h2>
      <div className="panel-controls">
        <label>
          Page{' '}
          <input
            type="number"
            aria-label="Guest frame to inspect"
            min={0}
            max={Math.max(0, guestPages - 1)}
            value={gfn ?? ''}
            placeholder="gfn"
            style={{ width: '8em' }}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (e.target.value !== '' && Number.isInteger(v) && v >= 0 && v < guestPages)
                useUi.setState({ selectedGfn: v });
            }}
          />
        </label>
        <label>
          History of{' '}
          <select
            aria-label="History window"
            value={span}
            disabled={brush !== null}
            onChange={(e) => setSpan(Number(e.target.value))}
          >
            {SPANS.map((s) => (
              <option key={s.s} value={s.s}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {brush && <span className="brush-note">the brushed window</span>}
      </div>
      {gfn === null && (
        <p className="panel-note">
          Click a cell of a memory map, or a row of the event log, to see why that page is where it
          is: which reclaim pass scanned it, what <code>kvm_age_rmapp</code> answered, and what the
          guest paid to touch it again.
        </p>
      )}
      {load.state === 'loading' && (
        <div className="inspector-loading" role="status" aria-live="polite">
          <p className="panel-note">
            The server re-simulates {load.from.toFixed(2)}–{load.to.toFixed(2)} s for this page in
            every run… {((Date.now() - load.since) / 1000).toFixed(1)} s
          </p>
          <progress aria-label="Loading the page history" />
        </div>
      )}
      {load.state === 'error' && (
        <p className="panel-note" role="alert">
          Could not load the page’s history: {load.message}{' '}
          <button className="link" onClick={() => setRetry((n) => n + 1)}>
            try again
          </button>
        </p>
      )}
      {load.state === 'done' && gfn !== null && <History h={load.history} />}
    </section>
  );
}

function History({ h }: { h: PageHistory }) {
  return (
    <>
      <p className="panel-note">
        From {h.from.toFixed(2)} to {h.to.toFixed(2)} s, every run of the comparison on the same
        guest references.
      </p>
      {h.runs.map((run, r) => (
        <RunHistory key={run.policy + r} run={run} to={h.to} />
      ))}
    </>
  );
}

/** The chain shows its latest steps; the earlier ones (often the guest's boot) on request. */
const LATEST_STEPS = 6;

function RunHistory({ run, to }: { run: PageHistoryRun; to: number }) {
  const [all, setAll] = useState(false);
  const x = explainPage(run, to);
  const hidden = all ? 0 : Math.max(0, x.steps.length - LATEST_STEPS);
  return (
    <article className="inspector-run" data-policy={run.policy}>
      <h3>
        <span className="run-dot" style={{ background: runColour(run.policy) }} />
        {run.policy}
      </h3>
      <dl className="inspector-state" aria-label={`State at ${to.toFixed(2)} s, ${run.policy}`}>
        {x.state.map((s) => (
          <div key={s.label} style={{ display: 'contents' }}>
            <dt>{s.label}</dt>
            <dd>{s.value}</dd>
          </div>
        ))}
      </dl>
      {x.policyNote && <p className="panel-note">{x.policyNote}</p>}
      {x.cold && (
        <p className="verdict-cold" data-testid="cold-sentence">
          {x.cold}
        </p>
      )}
      {x.steps.length === 0 ? (
        <p className="panel-note">
          Nothing happened to this page in the window (the guest’s own touches through a present EPT
          entry cost nothing and are not listed).
        </p>
      ) : (
        <>
          {hidden > 0 && (
            <button className="link" onClick={() => setAll(true)}>
              Show the {hidden} earlier step{hidden === 1 ? '' : 's'}
            </button>
          )}
          <ol className="chain" aria-label={`History, ${run.policy}`} start={hidden + 1}>
            {x.steps.slice(hidden).map((s, i) => (
              <li key={hidden + i} className={s.bad ? 'bad' : undefined}>
                <span className="when">{s.time.toFixed(3)} s</span> {s.text}
                <br />
                <code>{s.path}</code>
              </li>
            ))}
          </ol>
        </>
      )}
      {(x.bookkeeping > 0 || run.truncated) && (
        <p className="panel-note">
          {x.bookkeeping > 0 &&
            `${fmtInt(x.bookkeeping)} bookkeeping event${x.bookkeeping === 1 ? '' : 's'} (rmap updates, TLB flushes) folded in. `}
          {run.truncated && 'The window was too busy: later events were left out.'}
        </p>
      )}
    </article>
  );
}
