import { useEffect, useId } from 'react';
import { ApiError } from '../api.ts';
import { runColour } from '../palette.ts';
import {
  axesOf,
  coincident,
  fmt,
  parseSweepText,
  progressText,
  streamUrl,
  sweepLines,
  type SweepStatus,
} from './sweep-model.ts';
import { useSweeps } from './sweep-store.ts';
import { SweepChart } from './SweepChart.tsx';
import { getSweep, getSweepExamples, getSweepSummary, startSweep } from './views-api.ts';
import './views.css';

let socket: WebSocket | null = null;

function pickExample(file: string): void {
  const ex = useSweeps.getState().examples.find((e) => e.file === file);
  if (!ex) return;
  useSweeps.setState({
    example: file,
    text: JSON.stringify(ex.sweep, null, 2),
    textError: null,
    error: null,
  });
}

async function finished(st: SweepStatus): Promise<void> {
  useSweeps.setState({ status: st });
  if (st.state === 'failed') {
    useSweeps.setState({ error: `the sweep failed: ${st.error ?? 'no reason given'}` });
    return;
  }
  try {
    const summary = await getSweepSummary(st.id);
    const axis = summary.axes[0]?.path ?? '';
    const figure = summary.figures.includes(useSweeps.getState().figure)
      ? useSweeps.getState().figure
      : summary.figures[0];
    useSweeps.setState({ summary, axis, figure, fixed: {} });
  } catch (e) {
    useSweeps.setState({ error: `cannot read the results: ${(e as Error).message}` });
  }
}

/** Follow a sweep's progress over its socket; if the socket fails, ask for the status instead. */
function follow(id: string): void {
  socket?.close();
  const ws = new WebSocket(streamUrl(window.location, id));
  socket = ws;
  let ended = false;
  ws.onmessage = (ev) => {
    const m = JSON.parse(String(ev.data)) as SweepStatus & { type: string; message?: string };
    if (m.type === 'progress') useSweeps.setState({ status: m });
    else if (m.type === 'done' || m.type === 'failed') {
      ended = true;
      void finished(m);
    } else if (m.type === 'error') useSweeps.setState({ error: m.message ?? 'stream error' });
  };
  ws.onclose = () => {
    if (socket === ws) socket = null;
    if (ended) return;
    // the socket went before the end: the status over HTTP says where the sweep is
    void getSweep(id).then(
      (st) => {
        if (st.state === 'running') window.setTimeout(() => follow(id), 1000);
        else void finished(st);
      },
      (e: unknown) => useSweeps.setState({ error: (e as Error).message }),
    );
  };
}

export async function runSweep(): Promise<void> {
  const parsed = parseSweepText(useSweeps.getState().text);
  if (!parsed.ok) {
    useSweeps.setState({ textError: { message: parsed.message, issues: [] } });
    return;
  }
  useSweeps.setState({ textError: null, error: null, summary: null, status: null });
  try {
    const st = await startSweep(parsed.sweep);
    useSweeps.setState({ status: st });
    follow(st.id);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 400 || e.status === 413))
      useSweeps.setState({
        textError: {
          message: e.message,
          issues: e.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)),
        },
      });
    else useSweeps.setState({ error: (e as Error).message });
  }
}

function SweepForm() {
  const s = useSweeps();
  const ids = { ex: useId(), text: useId(), err: useId(), desc: useId() };
  const running = s.status?.state === 'running';
  const ex = s.examples.find((e) => e.file === s.example);
  let runs = '';
  const parsed = parseSweepText(s.text);
  if (parsed.ok) {
    const axes = axesOf(parsed.sweep);
    runs = axes.length ? `Axes: ${axes.join(', ')}, and seeds.` : '';
  }
  return (
    <form
      className="sw-form"
      aria-label="Sweep"
      onSubmit={(e) => {
        e.preventDefault();
        void runSweep();
      }}
    >
      <div className="sw-pick">
        <label htmlFor={ids.ex}>Example sweep</label>
        <select id={ids.ex} value={s.example} onChange={(e) => pickExample(e.target.value)}>
          {s.example === '' && <option value="">(edited)</option>}
          {s.examples.map((e) => (
            <option key={e.file} value={e.file}>
              {e.file}
            </option>
          ))}
        </select>
        <p className="cl-hint" id={ids.desc}>
          {ex?.description ??
            'A sweep is a base scenario, axes that vary its fields by path, the policies and the figures to collect.'}{' '}
          {runs}
        </p>
        <p className="cl-hint">
          The server runs every grid point × seed on its worker threads; the same file runs on the
          command line with <code>npm run sweep -- file.json</code>.
        </p>
        <div className="cl-actions">
          <button type="submit" className="primary" disabled={running}>
            Run sweep
          </button>
        </div>
      </div>
      <div className="sw-edit cl-field">
        <label htmlFor={ids.text}>Sweep definition (JSON)</label>
        <textarea
          id={ids.text}
          className="sw-text"
          spellCheck={false}
          value={s.text}
          aria-invalid={s.textError !== null}
          aria-describedby={s.textError ? ids.err : ids.desc}
          onChange={(e) => {
            const text = e.target.value;
            const same = s.examples.find((x) => x.file === s.example);
            const edited = same && JSON.stringify(same.sweep, null, 2) !== text;
            useSweeps.setState({ text, ...(edited ? { example: '' } : {}) });
          }}
        />
        {s.textError && (
          <div className="field-error" id={ids.err} role="alert">
            <p className="field-error">{s.textError.message}</p>
            {s.textError.issues.length > 0 && (
              <ul>
                {s.textError.issues.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </form>
  );
}

function Progress() {
  const status = useSweeps((s) => s.status);
  const error = useSweeps((s) => s.error);
  return (
    <>
      {status && (
        <div className="sw-progress">
          <label>
            {status.name}{' '}
            <progress aria-label="Sweep progress" max={status.total} value={status.done} />
          </label>
          <span role="status" aria-label="Sweep status">
            {progressText(status)}
          </span>
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

function Results() {
  const s = useSweeps();
  const ids = { fig: useId(), axis: useId() };
  const summary = s.summary;
  if (!summary || !s.status) return null;
  const lines = sweepLines(summary, s.figure, s.axis, s.fixed);
  const others = summary.axes.filter((a) => a.path !== s.axis);
  const links = s.status.links ?? {};
  return (
    <section className="sw-results" aria-label="Sweep results">
      <div>
        <div className="sw-controls">
          <span>
            <label htmlFor={ids.fig}>Figure</label>{' '}
            <select
              id={ids.fig}
              value={s.figure}
              onChange={(e) => useSweeps.setState({ figure: e.target.value })}
            >
              {summary.figures.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </span>
          {summary.axes.length > 1 && (
            <span>
              <label htmlFor={ids.axis}>Against</label>{' '}
              <select
                id={ids.axis}
                value={s.axis}
                onChange={(e) => useSweeps.setState({ axis: e.target.value })}
              >
                {summary.axes.map((a) => (
                  <option key={a.path}>{a.path}</option>
                ))}
              </select>
            </span>
          )}
          {others.map((a) => (
            <span key={a.path}>
              <label htmlFor={`${ids.axis}-${a.path}`}>at {a.path}</label>{' '}
              <select
                id={`${ids.axis}-${a.path}`}
                value={String(s.fixed[a.path] ?? a.values[0])}
                onChange={(e) => {
                  const v = a.values.find((x) => String(x) === e.target.value) ?? null;
                  useSweeps.setState({ fixed: { ...s.fixed, [a.path]: v } });
                }}
              >
                {a.values.map((v) => (
                  <option key={String(v)}>{String(v)}</option>
                ))}
              </select>
            </span>
          ))}
          <label>
            <input
              type="checkbox"
              checked={s.logScale}
              onChange={(e) => useSweeps.setState({ logScale: e.target.checked })}
            />{' '}
            Log scale
          </label>
        </div>
        {s.axis ? (
          <SweepChart lines={lines} axis={s.axis} figure={s.figure} log={s.logScale} />
        ) : (
          <p className="cl-hint">This sweep has no axis besides the seed: the table has it all.</p>
        )}
        {coincident(lines).map(([a, b]) => (
          <p className="cl-hint" key={`${a}-${b}`}>
            The lines of {a} and {b} lie on each other (every mean within 1 %): the wider one
            underneath is {a}.
          </p>
        ))}
        <div className="sw-downloads" aria-label="Downloads">
          {(
            [
              ['runsCsv', 'runs.csv'],
              ['runsJson', 'runs.json'],
              ['summaryCsv', 'summary.csv'],
            ] as const
          ).map(
            ([k, name]) =>
              links[k] && (
                <a key={k} href={links[k]} download={`${summary.sweep}-${name}`}>
                  Download {name}
                </a>
              ),
          )}
        </div>
      </div>
      <div className="sw-table-box">
        <table className="sw-table" aria-label="Sweep table">
          <caption className="cl-hint">
            {s.figure}: mean over {summary.seeds.length} seed{summary.seeds.length === 1 ? '' : 's'}{' '}
            (95 % interval)
            {others.length
              ? `, at ${others.map((a) => `${a.path} ${String(s.fixed[a.path] ?? a.values[0])}`).join(', ')}`
              : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">{s.axis || 'point'}</th>
              {lines.map((l) => (
                <th scope="col" key={l.policy}>
                  <span
                    className="swatch"
                    style={{ background: runColour(l.policy) }}
                    aria-hidden="true"
                  />
                  {l.policy}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(lines[0]?.points ?? []).map((p, i) => (
              <tr key={String(p.x)}>
                <th scope="row">{String(p.x ?? '')}</th>
                {lines.map((l) => {
                  const q = l.points[i];
                  return (
                    <td
                      className="num"
                      key={l.policy}
                      data-policy={l.policy}
                      data-x={String(p.x)}
                      data-value={q.mean ?? ''}
                    >
                      {fmt(q.mean)}
                      {q.low !== null && q.high !== null && q.high !== q.low && (
                        <small>
                          {' '}
                          ({fmt(q.low)}–{fmt(q.high)})
                        </small>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Sweeps (issue 15): pick or edit a sweep, run it on the server's worker threads with its
 * progress over the socket, then read one figure against one axis, a line per policy with the
 * seeds as an interval band, beside the grid's table; the results as CSV and JSON.
 */
export function SweepView() {
  const loaded = useSweeps((s) => s.examples.length > 0);
  useEffect(() => {
    if (loaded) return;
    getSweepExamples().then(
      (examples) => {
        useSweeps.setState({ examples });
        if (!useSweeps.getState().text) {
          const quick = examples.find((e) => e.file.includes('quick')) ?? examples[0];
          if (quick) pickExample(quick.file);
        }
      },
      (e: unknown) =>
        useSweeps.setState({ error: `cannot load the examples: ${(e as Error).message}` }),
    );
  }, [loaded]);
  return (
    <div className="sweep-view">
      <p className="intro">
        One run answers for one guest, one limit, one seed. A sweep runs a grid of them (here on the
        server’s worker threads) and shows how a figure moves along one axis for each policy; the
        band is how far the seeds spread.
      </p>
      <SweepForm />
      <Progress />
      <Results />
    </div>
  );
}
