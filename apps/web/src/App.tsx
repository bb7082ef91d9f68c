import { useConn } from './store.ts';
import { TopBar } from './components/TopBar.tsx';
import { RunColumn } from './components/RunColumn.tsx';
import { LensBar, Legend } from './components/Legend.tsx';
import { Knobs } from './components/Knobs.tsx';
import { ForkDialog, HelpDialog } from './components/Dialogs.tsx';
import { ScenarioEditor } from './components/ScenarioEditor.tsx';
import { ChartsRow, HeatmapRow, TimelineRow } from './components/Charts.tsx';

export function App() {
  const welcome = useConn((s) => s.welcome);
  const errors = useConn((s) => s.errors);
  const status = useConn((s) => s.status);
  const policies = welcome?.policies ?? [];
  return (
    <main>
      <header className="title">
        <h1>
          AgeLab <span className="tagline">how a KVM guest’s memory ages on its host</span>
        </h1>
        <Intro />
      </header>
      <TopBar />
      {errors.length > 0 && (
        <ul className="errors" role="alert">
          {errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
          <li>
            <button className="link" onClick={() => useConn.setState({ errors: [] })}>
              dismiss
            </button>
          </li>
        </ul>
      )}
      {status === 'reconnecting' && (
        <p className="banner bad" role="alert">
          The server is unreachable. What you see is the last state it sent; this page reconnects by
          itself.
        </p>
      )}
      <section className={`columns n${policies.length}`} aria-label="Runs">
        {policies.map((p, r) => (
          <RunColumn key={`${welcome?.runId}-${r}`} run={r} policy={p} />
        ))}
        {!welcome && <p className="loading">Starting the classic comparison…</p>}
      </section>
      <div className="lens-legend">
        <LensBar />
        <Legend />
      </div>
      <ChartsRow />
      <HeatmapRow />
      <TimelineRow />
      <Knobs />
      <HelpDialog />
      <ForkDialog />
      <ScenarioEditor />
      <footer className="foot">
        Press <kbd>?</kbd> for keyboard shortcuts. Simulated with the kernel’s own names:{' '}
        <code>pf_fixed</code> counts EPT violations, <code>pgmajfault</code> major faults,{' '}
        <code>pswpout</code> swap-outs.
      </footer>
    </main>
  );
}

/** One sentence on what the screen shows, and what to do first. */
function Intro() {
  const welcome = useConn((s) => s.welcome);
  const n = welcome?.policies.length ?? 2;
  const mib = welcome ? Math.round(welcome.guestPages / 256) : 256;
  return (
    <p className="intro">
      Each square is a {mib} MiB guest’s memory, one cell per 4 KiB page, as its host sees it
      {n > 1 ? `, ${n} policies side by side on the same guest workload` : ''}.{' '}
      <strong>Press Play</strong>: on the left (<code>always-old</code>, before the 2010 patch) the
      host swaps out pages the guest is using; with the patch (<code>unmap-emulation</code>) it
      keeps them and pays in EPT violations instead. Press <kbd>3</kbd> to see where the host is
      wrong.
    </p>
  );
}
