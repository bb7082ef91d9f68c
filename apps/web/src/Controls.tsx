import { send } from './connection.ts';
import { useLab } from './store.ts';

const SPEEDS = [1, 5, 20, 100];

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
          <button disabled={run.time < 1} onClick={() => send({ type: 'seek', time: Math.max(0, run.time - 5) })}>
            −5 s
          </button>
          <button onClick={() => send({ type: 'reset' })}>Reset</button>
          <label>
            speed{' '}
            <select value={run.speed} onChange={(e) => send({ type: 'speed', value: Number(e.target.value) })}>
              {[...new Set([...SPEEDS, run.speed])].map((s) => (
                <option key={s} value={s}>
                  {s}× (sim s per s)
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <button onClick={() => send({ type: 'fork' })} title="copy this run at its current time, as a run you drive">
        Fork
      </button>
      <span className="clock" data-testid="clock">
        t = {run.time.toFixed(2)} s · ref {run.refIndex.toLocaleString('en-US')} · {run.playing ? 'playing' : run.busy ? 'stepping' : 'paused'}
      </span>
      <span className={`role ${role}`}>{driver ? 'you drive' : 'watching'}</span>
    </div>
  );
}
