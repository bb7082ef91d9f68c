import { send } from './connection.ts';
import { useLab } from './store.ts';

const SPEEDS = [1, 5, 20, 100];
const LIMITS = [64, 96, 128, 160, 192, 256];

/** Play, pause, step, speed, reset and fork. Only the driver gets the moving controls. */
export function Controls() {
  const role = useLab((s) => s.role);
  const run = useLab((s) => s.run);
  const welcome = useLab((s) => s.welcome);
  if (!run || !welcome) return null;
  const driver = role === 'driver';
  const busy = run.busy;
  return (
    <div className="controls">
      {driver && (
        <>
          {run.playing ? (
            <button onClick={() => send({ type: 'pause' })}>Pause</button>
          ) : (
            <button onClick={() => send({ type: 'play' })}>Play</button>
          )}
          <button disabled={busy} onClick={() => send({ type: 'step', refs: 1 })}>
            Step 1 ref
          </button>
          <button disabled={busy} onClick={() => send({ type: 'step', seconds: 1 })}>
            Step 1 s
          </button>
          <button disabled={busy} onClick={() => send({ type: 'step', until: 'reclaim' })}>
            To next reclaim
          </button>
          <button
            disabled={run.time < 1}
            onClick={() => send({ type: 'seek', time: Math.max(0, run.time - 5) })}
          >
            −5 s
          </button>
          <button onClick={() => send({ type: 'reset' })}>Reset</button>
          <label title="memory.limit_in_bytes of the guest's cgroup, applied to every run at this reference">
            cgroup limit{' '}
            <select
              defaultValue=""
              onChange={(e) =>
                e.target.value &&
                send({ type: 'knob', name: 'limitMiB', value: Number(e.target.value) })
              }
            >
              <option value="" disabled>
                MiB…
              </option>
              {LIMITS.map((m) => (
                <option key={m} value={m}>
                  {m} MiB
                </option>
              ))}
            </select>
          </label>
          <label>
            speed{' '}
            <select
              value={run.speed}
              onChange={(e) => send({ type: 'speed', value: Number(e.target.value) })}
            >
              {[...new Set([...SPEEDS, run.speed])].map((s) => (
                <option key={s} value={s}>
                  {s}× (sim s per s)
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <button
        onClick={() => send({ type: 'fork' })}
        title="copy this run at its current time, as a run you drive"
      >
        Fork
      </button>
      <span className="clock" data-testid="clock">
        t = {run.time.toFixed(2)} s · ref {run.refIndex.toLocaleString('en-US')} ·{' '}
        {run.playing ? 'playing' : run.busy ? 'stepping' : 'paused'}
      </span>
      <span className={`role ${role}`}>{driver ? 'you drive' : 'watching'}</span>
    </div>
  );
}

/** Knob changes recorded in this run (they replay on seek, reset and fork). */
export function KnobLog() {
  const run = useLab((s) => s.run);
  const welcome = useLab((s) => s.welcome);
  if (!run || !welcome || run.knobLog.length === 0) return null;
  return (
    <p className="knoblog">
      Knob changes:{' '}
      {run.knobLog.map((k, i) => (
        <span key={i}>
          {i > 0 && ', '}
          {k.knob} = {k.value} at t = {(k.at / welcome.rate).toFixed(2)} s
        </span>
      ))}
    </p>
  );
}
