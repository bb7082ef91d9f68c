import { Controls, KnobLog } from './Controls.tsx';
import { CounterTable } from './CounterTable.tsx';
import { Legend, PageMap } from './PageMap.tsx';
import { useLab } from './store.ts';

export function App() {
  const status = useLab((s) => s.status);
  const welcome = useLab((s) => s.welcome);
  const errors = useLab((s) => s.errors);
  const runId = useLab((s) => s.runId);
  const viewerLink = runId ? `${location.origin}${location.pathname}?run=${runId}` : '';
  return (
    <main>
      <header>
        <h1>AgeLab</h1>
        <p className="sub">
          KVM EPT accessed-bit emulation (2010) under Linux 2.6.33 memcg reclaim —{' '}
          {welcome
            ? `${welcome.scenarioName}, ${welcome.guestPages.toLocaleString('en-US')} guest pages`
            : status}
        </p>
      </header>
      <Controls />
      <section className="runs">
        {welcome?.policies.map((p, r) => (
          <figure key={p}>
            <figcaption>{p}</figcaption>
            <PageMap run={r} />
          </figure>
        ))}
      </section>
      <Legend />
      <CounterTable />
      <KnobLog />
      {runId && (
        <p className="share">
          Viewers follow with <a href={viewerLink}>{viewerLink}</a> (watch only; your token stays in
          this tab).
        </p>
      )}
      {errors.length > 0 && (
        <ul className="errors" role="alert">
          {errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
    </main>
  );
}
