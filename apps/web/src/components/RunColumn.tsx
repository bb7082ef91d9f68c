import { useConn, useCounters, useSetup } from '../store.ts';
import { fmtCount, fmtDelta, fmtInt } from '../format.ts';
import { runColour } from '../map/colours.ts';
import { MemoryMap } from '../map/MemoryMap.tsx';
import { FIGURES } from './figures.ts';
import { READOUT_MS, useThrottledVersion } from '../throttle.ts';

/** One line on what each policy does, when /api/policies has not answered (or lacks it). */
const FALLBACK: Record<string, string> = {
  'always-old':
    'Before the patch: EPT has no accessed bit, so every guest page looks old to aging.',
  'unmap-emulation':
    'The patch: aging unmaps the spte and reports young; the next touch is an EPT violation.',
  'ept-ad-bits': 'Hardware accessed bits: aging tests and clears the bit, the spte stays.',
};

/** A run's column: the policy, what it does, its headline figures (with the difference to the first column), its map. */
export function RunColumn({ run, policy }: { run: number; policy: string }) {
  const info = useSetup((s) => s.policies.find((p) => p.name === policy));
  return (
    <section
      className="column"
      aria-label={`Run ${run + 1}: ${policy}`}
      data-run={run}
      data-policy={policy}
    >
      <header className="column-head">
        <h2>
          <span className="run-dot" style={{ background: runColour(policy) }} aria-hidden="true" />
          {policy}
        </h2>
        <p className="policy-title">{info?.title ?? FALLBACK[policy] ?? ''}</p>
        {info?.era && <p className="policy-era">{info.era}</p>}
        <Figures run={run} />
      </header>
      <MemoryMap run={run} policy={policy} />
    </section>
  );
}

function Figures({ run }: { run: number }) {
  // with the clock, in the task that moves it: each change of a figure's text relays out the head
  useThrottledVersion(useCounters, READOUT_MS);
  const values = useCounters.getState().values;
  const welcome = useConn((s) => s.welcome);
  if (!welcome) return null;
  const names = [...welcome.counterNames, ...welcome.derivedNames];
  const at = (r: number, name: string): number => {
    const i = names.indexOf(name);
    return i < 0 ? NaN : (values[r]?.[i] ?? NaN);
  };
  return (
    <dl className="figures">
      {FIGURES.filter((f) => names.includes(f.name)).map((f) => {
        const v = at(run, f.name);
        const w = f.with ? at(run, f.with) : NaN;
        const base = at(0, f.name);
        // a pair ("adds / removes") in short form: two exact seven-digit counts overflow the cell
        const short = Math.max(Math.abs(v), Math.abs(w)) >= 1e5;
        const count = (n: number) => (f.with ? fmtCount(n, short) : fmtInt(n));
        const text = f.ratio ? (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–') : count(v);
        const delta = run > 0 ? fmtDelta(v, base) : '';
        return (
          <div
            key={f.name}
            className="figure"
            data-figure={f.name}
            data-value={Number.isFinite(v) ? v : ''}
          >
            <dt>
              {f.plain} <code>{f.with ? `${f.name} / ${f.with}` : f.name}</code>
            </dt>
            <dd>
              <span className="figure-value">
                {text}
                {f.with && Number.isFinite(w) ? ` / ${count(w)}` : ''}
              </span>
              {delta && <span className={`delta ${deltaTone(f.name, v, base)}`}>{delta}</span>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** Every headline figure is a cost: fewer is better. */
function deltaTone(_name: string, v: number, base: number): string {
  if (!Number.isFinite(v) || !Number.isFinite(base) || v === base) return 'same';
  return v < base ? 'better' : 'worse';
}
