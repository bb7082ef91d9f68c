import { useEffect, useState } from 'react';
import type { JsonValue, ScenarioJson } from '../api.ts';
import { useConn, useSetup, useUi } from '../store.ts';
import { rebuild } from '../actions.ts';
import { Dialog } from './Dialogs.tsx';
import { issueAnchor, leaves, setPath } from './scenario-fields.ts';

/**
 * A scenario file, field by field (or loaded from disk). The server validates it; each of its
 * issues is shown at the field it names.
 */
export function ScenarioEditor() {
  const open = useUi((s) => s.editorOpen);
  if (!open) return null;
  return <Editor />;
}

function Editor() {
  const current = useConn((s) => s.scenario);
  const presets = useSetup((s) => s.presets);
  const preset = useSetup((s) => s.preset);
  const issues = useSetup((s) => s.issues);
  const message = useSetup((s) => s.issueMessage);
  const draftInStore = useSetup((s) => s.draft);
  const [draft, setDraft] = useState<ScenarioJson>(
    () =>
      draftInStore ??
      current ??
      presets.find((p) => p.name === (preset ?? 'classic'))?.scenario ?? { name: 'my-scenario' },
  );
  const [busy, setBusy] = useState(false);
  useEffect(() => useSetup.setState({ draft }), [draft]);
  const close = () => {
    useUi.setState({ editorOpen: false });
    useSetup.setState({ issues: [], issueMessage: null, draft: null });
  };
  const fields = leaves(draft);
  const paths = fields.map((f) => f.path);
  const byAnchor = new Map<string, string[]>();
  for (const i of issues) {
    const a = issueAnchor(i.path, paths);
    byAnchor.set(a, [
      ...(byAnchor.get(a) ?? []),
      i.path && a !== i.path ? `${i.path}: ${i.message}` : i.message,
    ]);
  }
  const top = byAnchor.get('') ?? [];
  const update = (path: string, raw: string, was: JsonValue) => {
    let v: JsonValue = raw;
    if (typeof was === 'number') v = raw === '' ? raw : Number(raw);
    setDraft((d) => setPath(d, path, v));
  };
  return (
    <Dialog title="Scenario file" onClose={close} wide>
      <p className="field-note">
        Every field of the scenario (packages/sim-core/src/scenario.ts). Load a JSON file or start
        from a preset; the server checks it when you run it.
      </p>
      <div className="editor-tools">
        <label>
          Start from{' '}
          <select
            aria-label="Start from preset"
            value=""
            onChange={(e) => {
              const p = presets.find((x) => x.name === e.target.value);
              if (p) setDraft(p.scenario);
            }}
          >
            <option value="">a preset…</option>
            {presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="file">
          Load file{' '}
          <input
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              void f.text().then((t) => {
                try {
                  setDraft(JSON.parse(t) as ScenarioJson);
                  useSetup.setState({ issues: [], issueMessage: null });
                } catch (err) {
                  useSetup.setState({
                    issues: [{ path: '', message: `not JSON: ${String(err)}` }],
                    issueMessage: null,
                  });
                }
              });
            }}
          />
        </label>
      </div>
      {(top.length > 0 || (message && issues.length === 0)) && (
        <ul className="issues top" role="alert">
          {(top.length ? top : [message ?? '']).map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <div className="scenario-fields">
        {fields.map((f) => {
          const errs = byAnchor.get(f.path);
          const id = `sf-${f.path}`;
          return (
            <div key={f.path} className={`sfield${errs ? ' invalid' : ''}`} data-field={f.path}>
              <label htmlFor={id}>{f.path}</label>
              {typeof f.value === 'boolean' ? (
                <input
                  id={id}
                  type="checkbox"
                  checked={f.value}
                  onChange={(e) => setDraft((d) => setPath(d, f.path, e.target.checked))}
                />
              ) : (
                <input
                  id={id}
                  type={typeof f.value === 'number' ? 'number' : 'text'}
                  value={f.value === null ? '' : String(f.value)}
                  aria-invalid={errs ? true : undefined}
                  aria-describedby={errs ? `${id}-err` : undefined}
                  onChange={(e) => update(f.path, e.target.value, f.value)}
                />
              )}
              {errs && (
                <p className="field-error" id={`${id}-err`} role="alert">
                  {errs.join('; ')}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <div className="dialog-actions">
        <button onClick={close}>Cancel</button>
        <button
          className="primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void rebuild({ scenario: draft }).finally(() => setBusy(false));
          }}
        >
          Run this scenario
        </button>
      </div>
    </Dialog>
  );
}
