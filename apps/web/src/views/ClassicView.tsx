import { useEffect, useId } from 'react';
import { ApiError } from '../api.ts';
import {
  CLASSIC_VIEW_POLICIES,
  MAX_TABLE_REFERENCES,
  POLICY_HINTS,
  bytes,
  curveRises,
  defaultCurve,
  errorLine,
  frameProblem,
  percent,
  policyColour,
  policyLabel,
  referenceTokens,
  riseSentence,
  traceQuery,
  type CurveRise,
} from './classic-model.ts';
import { useClassic, type ClassicField, type ClassicSource } from './classic-store.ts';
import { ClassicGrid } from './ClassicGrid.tsx';
import { FaultCurve } from './FaultCurve.tsx';
import { getClassicPresets, replayClassic, uploadTrace, type Upload } from './views-api.ts';
import './views.css';

let inFlight: { abort(): void } | null = null;

/** The `n` largest rises, in frame order. */
function largest(rises: CurveRise[], n: number): CurveRise[] {
  const top = [...rises].sort((a, b) => b.faultsTo - b.faultsFrom - (a.faultsTo - a.faultsFrom));
  return top.slice(0, n).sort((a, b) => a.to - b.to || a.policy.localeCompare(b.policy));
}

/** Which field a server message belongs to, by what it names. */
function fieldOf(message: string, source: ClassicSource): ClassicField {
  const where = errorLine(message);
  if (where) return where.kind === 'line' ? 'file' : 'references';
  if (/^frames\b/.test(message)) return 'frames';
  if (/^curve/.test(message)) return 'curve';
  if (/^policies\b/.test(message)) return 'policies';
  if (/^record\b|references/.test(message))
    return source === 'file' ? 'file' : source === 'typed' ? 'references' : 'form';
  return 'form';
}

/** Check the form, send it (typed or preset as JSON, a file as its bytes), and keep the answer. */
export async function replay(): Promise<void> {
  const s = useClassic.getState();
  // a refused replay clears the last answer, so no one reads old counts as the new string's
  const fail = (field: ClassicField, message: string) =>
    useClassic.setState({ error: { field, message }, busy: null, answer: null, tokens: [] });
  const fp = frameProblem(s.frames, 'frames');
  if (fp) return fail('frames', fp);
  const cp = frameProblem(s.curveFrom, 'curve from') ?? frameProblem(s.curveTo, 'curve to');
  if (cp) return fail('curve', cp);
  if (Number(s.curveTo) < Number(s.curveFrom))
    return fail('curve', `curve: "to" (${s.curveTo}) is below "from" (${s.curveFrom})`);
  if (s.policies.length === 0) return fail('policies', 'policies: tick at least one policy');
  const frames = Number(s.frames);
  const curve = { from: Number(s.curveFrom), to: Number(s.curveTo) };
  const policies = CLASSIC_VIEW_POLICIES.filter((p) => s.policies.includes(p));
  inFlight?.abort();
  useClassic.setState({ error: null, busy: { phase: 'replay', sent: 0, total: 0 } });
  try {
    if (s.source === 'file') {
      if (!s.file) return fail('file', 'trace file: choose a file first');
      const file = s.file;
      useClassic.setState({ busy: { phase: 'upload', sent: 0, total: file.size } });
      const up: Upload<Awaited<ReturnType<typeof replayClassic>>> = uploadTrace(
        traceQuery({ frames, policies, curve }),
        file,
        (sent, total) => useClassic.setState({ busy: { phase: 'upload', sent, total } }),
        () => useClassic.setState({ busy: { phase: 'replay', sent: file.size, total: file.size } }),
      );
      inFlight = up;
      const answer = await up.promise;
      useClassic.setState({ answer, tokens: [], answerOf: file.name, busy: null });
    } else {
      const preset = s.presets.find((p) => p.name === s.preset);
      const text = s.source === 'typed' ? s.typed : (preset?.references ?? '');
      const tokens = referenceTokens(text);
      if (s.source === 'typed' && tokens.length === 0)
        return fail('references', 'reference string: type some page numbers, e.g. 1 2 3 4 1 2');
      const ctl = new AbortController();
      inFlight = ctl;
      const answer = await replayClassic(
        {
          ...(s.source === 'typed' ? { references: text } : { preset: s.preset }),
          frames,
          policies,
          curve,
          record: tokens.length <= MAX_TABLE_REFERENCES,
        },
        ctl.signal,
      );
      useClassic.setState({
        answer,
        tokens,
        answerOf: s.source === 'typed' ? 'the typed string' : (preset?.title ?? s.preset),
        busy: null,
      });
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') return;
    const message = e instanceof ApiError ? e.message : String((e as Error).message ?? e);
    fail(fieldOf(message, s.source), message);
  } finally {
    inFlight = null;
  }
}

function pickPreset(name: string): void {
  const p = useClassic.getState().presets.find((x) => x.name === name);
  if (!p) return;
  useClassic.setState({
    source: 'preset',
    preset: name,
    frames: String(p.frames),
    curveFrom: String(p.curve.from),
    curveTo: String(p.curve.to),
    error: null,
  });
  void replay();
}

/** An error shown at its field, announced when it appears. */
function FieldError({ field, id }: { field: ClassicField; id: string }) {
  const error = useClassic((s) => s.error);
  if (!error || error.field !== field) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {error.message}
    </p>
  );
}

function SourceFields() {
  const s = useClassic();
  const ids = {
    preset: useId(),
    refs: useId(),
    refsErr: useId(),
    file: useId(),
    fileErr: useId(),
    hint: useId(),
  };
  const preset = s.presets.find((p) => p.name === s.preset);
  const bad = (f: ClassicField) => s.error?.field === f;
  return (
    <fieldset className="cl-source">
      <legend>Reference string</legend>
      <div className="cl-radios" role="radiogroup" aria-label="Reference string from">
        {(
          [
            ['preset', 'A textbook preset'],
            ['typed', 'Typed'],
            ['file', 'A trace file'],
          ] as const
        ).map(([v, label]) => (
          <label key={v}>
            <input
              type="radio"
              name="cl-source"
              value={v}
              checked={s.source === v}
              onChange={() => useClassic.setState({ source: v, error: null })}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      {s.source === 'preset' && (
        <div className="cl-field">
          <label htmlFor={ids.preset}>Preset</label>
          <select id={ids.preset} value={s.preset} onChange={(e) => pickPreset(e.target.value)}>
            {s.presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.title}
              </option>
            ))}
          </select>
          {preset && (
            <p className="cl-hint">
              <code className="cl-refs">{preset.references}</code> — {preset.description}
            </p>
          )}
        </div>
      )}
      {s.source === 'typed' && (
        <div className="cl-field">
          <label htmlFor={ids.refs}>Pages referenced, in order</label>
          <textarea
            id={ids.refs}
            rows={2}
            value={s.typed}
            placeholder="7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1"
            aria-invalid={bad('references')}
            aria-describedby={bad('references') ? ids.refsErr : ids.hint}
            onChange={(e) => useClassic.setState({ typed: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void replay();
            }}
          />
          <p className="cl-hint" id={ids.hint}>
            Page numbers separated by spaces or commas; up to 100,000. Ctrl+Enter replays.
          </p>
          <FieldError field="references" id={ids.refsErr} />
        </div>
      )}
      {s.source === 'file' && (
        <div className="cl-field">
          <label htmlFor={ids.file}>Trace file</label>
          <input
            id={ids.file}
            type="file"
            accept=".txt,.gz,.trace,.out,text/plain,application/gzip"
            aria-invalid={bad('file')}
            aria-describedby={bad('file') ? ids.fileErr : ids.hint}
            onChange={(e) =>
              useClassic.setState({ file: e.target.files?.[0] ?? null, error: null })
            }
          />
          <p className="cl-hint" id={ids.hint}>
            A page list (one page number a line, <code>#</code> comments) or valgrind{' '}
            <code>--tool=lackey --trace-mem=yes</code> output; gzip accepted, up to 64 MB. The same
            format as <code>npm run sim -- replay --trace</code>.
          </p>
          <FieldError field="file" id={ids.fileErr} />
        </div>
      )}
    </fieldset>
  );
}

function ReplayFields() {
  const s = useClassic();
  const ids = { frames: useId(), framesErr: useId(), curveErr: useId(), polErr: useId() };
  const bad = (f: ClassicField) => s.error?.field === f;
  const toggle = (p: string, on: boolean) =>
    useClassic.setState((st) => ({
      policies: on ? [...st.policies, p] : st.policies.filter((x) => x !== p),
    }));
  return (
    <>
      <fieldset className="cl-frames">
        <legend>Memory</legend>
        <div className="cl-field">
          <label htmlFor={ids.frames}>Frames</label>
          <input
            id={ids.frames}
            type="number"
            min={1}
            inputMode="numeric"
            value={s.frames}
            aria-invalid={bad('frames')}
            aria-describedby={bad('frames') ? ids.framesErr : undefined}
            onChange={(e) => useClassic.setState({ frames: e.target.value })}
          />
          <FieldError field="frames" id={ids.framesErr} />
        </div>
        <div className="cl-field" role="group" aria-label="Fault curve frames">
          <span className="cl-label">Fault curve over frames</span>
          <span className="cl-inline">
            <label>
              from{' '}
              <input
                type="number"
                min={1}
                aria-label="Fault curve from"
                value={s.curveFrom}
                aria-invalid={bad('curve')}
                onChange={(e) => useClassic.setState({ curveFrom: e.target.value })}
              />
            </label>{' '}
            <label>
              to{' '}
              <input
                type="number"
                min={1}
                aria-label="Fault curve to"
                value={s.curveTo}
                aria-invalid={bad('curve')}
                onChange={(e) => useClassic.setState({ curveTo: e.target.value })}
              />
            </label>
          </span>
          <FieldError field="curve" id={ids.curveErr} />
        </div>
      </fieldset>
      <fieldset className="cl-policies">
        <legend>Policies</legend>
        {CLASSIC_VIEW_POLICIES.map((p) => (
          <label key={p} title={POLICY_HINTS[p]}>
            <input
              type="checkbox"
              checked={s.policies.includes(p)}
              onChange={(e) => toggle(p, e.target.checked)}
            />{' '}
            <span className="swatch" style={{ background: policyColour(p) }} aria-hidden="true" />
            {policyLabel(p)}
          </label>
        ))}
        <FieldError field="policies" id={ids.polErr} />
      </fieldset>
    </>
  );
}

function Busy() {
  const busy = useClassic((s) => s.busy);
  if (!busy) return null;
  if (busy.phase === 'upload')
    return (
      <div className="cl-busy" role="status">
        <label>
          Uploading {bytes(busy.sent)} of {bytes(busy.total)}{' '}
          <progress aria-label="Upload progress" max={busy.total || 1} value={busy.sent} />
        </label>
      </div>
    );
  return (
    <div className="cl-busy" role="status">
      Replaying on the server… <progress aria-label="Replay progress" />
    </div>
  );
}

function Results() {
  const answer = useClassic((s) => s.answer);
  const tokens = useClassic((s) => s.tokens);
  const answerOf = useClassic((s) => s.answerOf);
  if (!answer) return null;
  const rises = curveRises(answer.curve);
  const best = Math.min(...answer.results.map((r) => r.faults));
  return (
    <>
      <section className="cl-summary" aria-label="Faults per policy">
        <h3>
          {answerOf}: {answer.references.toLocaleString('en-US')} references,{' '}
          {answer.distinctPages.toLocaleString('en-US')} distinct pages, {answer.frames} frames
        </h3>
        <table className="cl-table">
          <caption className="sr-only">Faults, hits and hit ratio per policy</caption>
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Faults</th>
              <th scope="col">Hits</th>
              <th scope="col">Hit ratio</th>
            </tr>
          </thead>
          <tbody>
            {answer.results.map((r) => (
              <tr key={r.policy} data-policy={r.policy} data-faults={r.faults}>
                <th scope="row">
                  <span
                    className="swatch"
                    style={{ background: policyColour(r.policy) }}
                    aria-hidden="true"
                  />
                  {policyLabel(r.policy)}
                </th>
                <td className="num">
                  {r.faults.toLocaleString('en-US')}
                  {r.faults === best && answer.results.length > 1 && (
                    <span className="cl-fewest"> fewest</span>
                  )}
                </td>
                <td className="num">{r.hits.toLocaleString('en-US')}</td>
                <td className="num">{percent(r.hitRatio)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {answer.format !== 'pages' || answer.compressed ? (
          <p className="cl-hint">
            Read as {answer.format}
            {answer.compressed ? ', gzip-compressed' : ''}
            {answer.renumbered ? '; pages renumbered densely for the replay' : ''}.
          </p>
        ) : null}
      </section>
      {answer.curve.length > 1 && (
        <section className="cl-curve" aria-label="Fault curve">
          <h3>Faults against the number of frames</h3>
          <FaultCurve curve={answer.curve} policies={answer.results.map((r) => r.policy)} />
          <ul className="cl-rises" aria-label="Where a curve rises">
            {rises.length ? (
              <>
                {largest(rises, 4).map((r) => (
                  <li key={`${r.policy}-${r.to}`}>
                    <strong>Belady’s anomaly:</strong> {riseSentence(r)}.
                  </li>
                ))}
                {rises.length > 4 && (
                  <li>…and {rises.length - 4} smaller rises (ringed on the curve).</li>
                )}
              </>
            ) : (
              <li>No curve rises: more frames never cost a fault here.</li>
            )}
          </ul>
        </section>
      )}
      {answer.results.some((r) => r.steps) && (
        <section className="cl-grids" aria-label="Frames over the reference string">
          <h3>
            Reference string across, frames down{tokens.length <= 40 ? '; faults in colour' : ''}
          </h3>
          <p className="cl-hint">
            Each column is one reference; below it, what each frame holds afterwards.{' '}
            <span className="key fault">Orange</span>: a fault brought that page in;{' '}
            <span className="key hit">green outline</span>: a hit; <q>out</q>: the page the fault
            evicted.
          </p>
          <div className="cl-grid-list">
            {answer.results.map(
              (r) =>
                r.steps && (
                  <figure key={r.policy} className="cl-grid-card" data-policy={r.policy}>
                    <figcaption>
                      <span
                        className="swatch"
                        style={{ background: policyColour(r.policy) }}
                        aria-hidden="true"
                      />
                      <strong>{policyLabel(r.policy)}</strong> {r.faults} faults ·{' '}
                      {percent(r.hitRatio)} hits
                    </figcaption>
                    <ClassicGrid steps={r.steps} tokens={tokens} policy={r.policy} />
                  </figure>
                ),
            )}
          </div>
        </section>
      )}
      {!answer.results.some((r) => r.steps) && (
        <p className="cl-hint">
          {tokens.length === 0
            ? 'An uploaded trace is counted, not drawn step by step; type or pick a short string to see its frames.'
            : `Step tables are drawn for strings of up to ${MAX_TABLE_REFERENCES.toLocaleString('en-US')} references; this one is counted only.`}
        </p>
      )}
    </>
  );
}

/**
 * The textbook half of a course: one reference string replayed under FIFO, LRU, OPT, CLOCK and
 * the 2.6.33 two lists, side by side, with the fault curve over frame counts.
 */
export function ClassicView() {
  const presetsLoaded = useClassic((s) => s.presets.length > 0);
  const formError = useId();
  useEffect(() => {
    if (presetsLoaded) return;
    getClassicPresets().then(
      (presets) => {
        useClassic.setState({ presets });
        pickPreset(useClassic.getState().preset);
      },
      (e: unknown) =>
        useClassic.setState({
          error: { field: 'form', message: `cannot load the presets: ${(e as Error).message}` },
        }),
    );
  }, [presetsLoaded]);
  const busy = useClassic((s) => s.busy !== null);
  const source = useClassic((s) => s.source);
  return (
    <div className="classic-view">
      <p className="intro">
        A reference string is the order in which a program uses its pages. Replay one with a few
        frames of memory under the textbook policies and Linux 2.6.33’s two lists, and count the
        page faults each one takes. Faults are marked in colour; more frames should mean fewer
        faults, and the fault curve shows where that fails.
      </p>
      <form
        className="cl-form"
        aria-label="Classic replay"
        onSubmit={(e) => {
          e.preventDefault();
          void replay();
        }}
      >
        <SourceFields />
        <ReplayFields />
        <div className="cl-actions">
          <button type="submit" className="primary" disabled={busy}>
            Replay
          </button>
          <button
            type="button"
            onClick={() => {
              const s = useClassic.getState();
              const n = new Set(referenceTokens(s.typed)).size;
              const c = defaultCurve(n);
              useClassic.setState({ curveFrom: String(c.from), curveTo: String(c.to) });
            }}
            hidden={source !== 'typed'}
          >
            Curve over every frame count
          </button>
        </div>
        <Busy />
        <FieldError field="form" id={formError} />
      </form>
      {/* the last answer stays while a new one is on its way, dimmed and marked busy */}
      <div className={busy ? 'cl-stale' : undefined} aria-busy={busy}>
        <Results />
      </div>
    </div>
  );
}
