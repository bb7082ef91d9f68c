import { useEffect, useState } from 'react';
import { clockStopped, useClock, useConn, useSetup, useUi } from '../store.ts';
import { READOUT_MS, useThrottledSlice } from '../throttle.ts';
import { fmtSpeed } from '../format.ts';
import {
  SPEEDS,
  copyLink,
  exportCsv,
  exportPng,
  fork,
  rebuild,
  reset,
  setSpeed,
  stepReclaim,
  stepRef,
  stepSecond,
  togglePlay,
} from '../actions.ts';
import { LessonButton } from './Lesson.tsx';

const FILE = '__file';

/** Scenario, policies, seed │ play, steps │ speed, clock │ connection │ links, exports, help. */
export function TopBar() {
  return (
    <div className="topbar">
      <SetupGroup>
        <ScenarioPicker />
        <PolicyPicker />
        <SeedField />
      </SetupGroup>
      <div className="tb-group tb-play">
        <PlayControls />
      </div>
      <div className="tb-group tb-clock">
        <SpeedPicker />
        <Clock />
        <Connection />
      </div>
      <div className="tb-group tb-links">
        <LinkButtons />
      </div>
    </div>
  );
}

const NARROW = '(max-width: 760px)';
/** True on a phone-sized screen (the layout's breakpoint), following resizes. */
function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const q = matchMedia(NARROW);
    const on = () => setNarrow(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return narrow;
}

/**
 * Scenario, policies and seed. On a phone they fold under one summary line, so the first screen
 * reaches Play and the maps; the line says what is set, a tap opens the controls.
 */
function SetupGroup({ children }: { children: React.ReactNode }) {
  const narrow = useNarrow();
  const preset = useSetup((s) => s.preset);
  const chosen = useSetup((s) => s.chosenPolicies);
  const seed = useSetup((s) => s.seed);
  if (!narrow) return <div className="tb-group tb-setup">{children}</div>;
  return (
    <details className="tb-group tb-setup tb-fold">
      <summary>
        <span className="tb-fold-what">{preset ?? 'scenario file'}</span>{' '}
        <span className="tb-fold-rest">
          · {chosen.join(' vs ')} · seed {seed}
        </span>{' '}
        <span className="tb-fold-hint">(change)</span>
      </summary>
      <div className="tb-fold-body">{children}</div>
    </details>
  );
}

function ScenarioPicker() {
  const presets = useSetup((s) => s.presets);
  const preset = useSetup((s) => s.preset);
  const scenarioName = useConn((s) => s.welcome?.scenarioName);
  const value = preset ?? FILE;
  const description = preset
    ? presets.find((p) => p.name === preset)?.description
    : `A scenario file${scenarioName ? `: ${scenarioName}` : ''}.`;
  return (
    <div className="field scenario">
      <label>
        <span>Scenario</span>
        <select
          aria-label="Scenario"
          value={value}
          onChange={(e) => {
            const v = e.target.value;
            if (v === FILE) useUi.setState({ editorOpen: true });
            else void rebuild({ preset: v });
          }}
        >
          {presets.length === 0 && <option value={value}>{preset ?? 'scenario file'}</option>}
          {presets.map((p) => (
            <option key={p.name} value={p.name} title={p.description}>
              {p.name}
            </option>
          ))}
          <option value={FILE}>scenario file…</option>
        </select>
      </label>
      <button
        className="small"
        onClick={() => useUi.setState({ editorOpen: true })}
        title="Edit the scenario as a file"
      >
        Edit…
      </button>
      {description && <p className="field-note scenario-description">{description}</p>}
    </div>
  );
}

function PolicyPicker() {
  const catalogue = useSetup((s) => s.policies);
  const chosen = useSetup((s) => s.chosenPolicies);
  const names = catalogue.length
    ? catalogue.map((p) => p.name)
    : ['always-old', 'unmap-emulation', 'ept-ad-bits'];
  return (
    <fieldset className="field policies" aria-label="Policies">
      <legend>Policies</legend>
      {names.map((name) => {
        const info = catalogue.find((p) => p.name === name);
        const on = chosen.includes(name);
        return (
          <label key={name} title={info ? `${info.title} (${info.era})` : name}>
            <input
              type="checkbox"
              checked={on}
              onChange={() => {
                const next = on
                  ? chosen.filter((p) => p !== name)
                  : names.filter((p) => p === name || chosen.includes(p));
                if (next.length) void rebuild({ policies: next });
              }}
            />
            {name}
          </label>
        );
      })}
    </fieldset>
  );
}

function SeedField() {
  const seed = useSetup((s) => s.seed);
  const [draft, setDraft] = useState(String(seed));
  useEffect(() => setDraft(String(seed)), [seed]);
  const commit = () => {
    const n = Number(draft);
    if (Number.isInteger(n) && n >= 0 && n !== seed) void rebuild({ seed: n });
    else setDraft(String(seed));
  };
  return (
    <label className="field seed">
      <span>Seed</span>
      <input
        aria-label="Seed"
        type="number"
        min={0}
        step={1}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}

function PlayControls() {
  const playing = useConn((s) => s.run?.playing ?? false);
  const driver = useConn((s) => s.role === 'driver' && s.status === 'open');
  const busy = useConn((s) => s.run?.busy ?? false);
  return (
    <>
      <button className="play" disabled={!driver} onClick={togglePlay} title="Space">
        {playing ? 'Pause' : 'Play'}
      </button>
      <button
        disabled={!driver || playing || busy}
        onClick={stepRef}
        aria-label="Step one reference"
        title="One guest reference (→)"
      >
        ▸ 1 ref
      </button>
      <button
        disabled={!driver || playing || busy}
        onClick={stepReclaim}
        aria-label="Step to the next aging pass"
        title="Run until the next reclaim pass (aging)"
      >
        ⤓ reclaim
      </button>
      <button
        disabled={!driver || playing || busy}
        onClick={stepSecond}
        aria-label="Step one second"
        title="One simulated second (shift+→)"
      >
        ▸▸ 1 s
      </button>
      <button disabled={!driver} onClick={reset} title="Back to t = 0">
        Reset
      </button>
    </>
  );
}

function SpeedPicker() {
  const speed = useConn((s) => s.run?.speed ?? 1);
  const driver = useConn((s) => s.role === 'driver' && s.status === 'open');
  const options = [...new Set([...SPEEDS, speed])].sort((a, b) => a - b);
  return (
    <label className="field speed">
      <span>Speed</span>
      <select
        aria-label="Speed"
        disabled={!driver}
        value={speed}
        onChange={(e) => setSpeed(Number(e.target.value))}
      >
        {options.map((s) => (
          <option key={s} value={s}>
            {fmtSpeed(s)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Clock() {
  // a few times a second while playing, exact at once when paused (useThrottledSlice)
  const time = useThrottledSlice(useClock, (s) => s.time, READOUT_MS, { settled: clockStopped });
  const playing = useClock((s) => s.playing);
  const asked = useClock((s) => s.speedAsked);
  const reached = useThrottledSlice(useClock, (s) => s.speedReached, 4 * READOUT_MS, {
    settled: clockStopped,
  });
  const short = playing && asked > 0 && reached > 0 && reached < asked * 0.9;
  return (
    <span className="clock">
      <output aria-label="Simulated time" data-time={time}>
        t = {time.toFixed(2)} s
      </output>
      {playing && asked > 0 && (
        <span className="speed-reached" data-testid="speed-reached">
          {' '}
          ({fmtSpeed(reached)} of {fmtSpeed(asked)})
        </span>
      )}
      {short && (
        <span className="speed-note" role="note">
          {' '}
          the server cannot go faster
        </span>
      )}
    </span>
  );
}

function Connection() {
  const status = useConn((s) => s.status);
  const role = useConn((s) => s.role);
  const playing = useConn((s) => s.run?.playing ?? false);
  const retryAt = useConn((s) => s.retryAt);
  const [, tick] = useState(0);
  useEffect(() => {
    if (status !== 'reconnecting') return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [status]);
  let text: string;
  let tone: string;
  if (status === 'open') {
    text = `${playing ? 'playing' : 'paused'} · ${role === 'driver' ? 'you drive' : 'watching'}`;
    tone = role === 'driver' ? 'ok' : 'watch';
  } else if (status === 'reconnecting') {
    const s = retryAt ? Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) : 0;
    text = `disconnected · retrying${s > 0 ? ` in ${s} s` : '…'}`;
    tone = 'bad';
  } else if (status === 'failed') {
    text = 'no run';
    tone = 'bad';
  } else {
    text = 'connecting…';
    tone = 'wait';
  }
  return (
    <span className={`conn ${tone}`} role="status" aria-label="Connection" data-status={status}>
      <span className="conn-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function LinkButtons() {
  const [copied, setCopied] = useState(false);
  const role = useConn((s) => s.role);
  return (
    <>
      <button
        onClick={() => {
          void copyLink().then((ok) => {
            setCopied(ok);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
        aria-label="Copy link"
        title="A link that rebuilds this run and view on any server"
      >
        {copied ? 'Copied' : 'Copy link'}
      </button>
      <LessonButton />
      <button
        onClick={exportCsv}
        aria-label="Export CSV"
        title="Counter history of every run (CSV)"
      >
        Export CSV
      </button>
      <button onClick={exportPng} aria-label="Export PNG" title="The maps as they are now (PNG)">
        Export PNG
      </button>
      <button
        onClick={fork}
        title={
          role === 'driver'
            ? 'A copy of this run that only you drive'
            : 'Drive a copy of this run of your own'
        }
      >
        Fork
      </button>
      <button
        className="help"
        onClick={() => useUi.setState({ helpOpen: true })}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
      >
        ?
      </button>
    </>
  );
}
