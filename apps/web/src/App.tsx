import { useConn, useUi, type AppView } from './store.ts';
import { TopBar } from './components/TopBar.tsx';
import { RunColumn } from './components/RunColumn.tsx';
import { LensBar, Legend } from './components/Legend.tsx';
import { Knobs } from './components/Knobs.tsx';
import { ForkDialog, HelpDialog } from './components/Dialogs.tsx';
import { ScenarioEditor } from './components/ScenarioEditor.tsx';
import { ChartsRow, HeatmapRow, TimelineRow } from './components/Charts.tsx';
import { EventLog } from './components/EventLog.tsx';
import { PageInspector } from './components/PageInspector.tsx';
import { KernelCode } from './components/KernelCode.tsx';
import { LessonPanel } from './components/Lesson.tsx';
import { ClassicView } from './views/ClassicView.tsx';
import { SweepView } from './views/SweepView.tsx';

const VIEWS: { id: AppView; label: string }[] = [
  { id: 'dashboard', label: 'KVM aging' },
  { id: 'classic', label: 'Classic replacement' },
  { id: 'sweeps', label: 'Sweeps' },
];

/** The page's views as tabs (arrow keys move between them, as WAI-ARIA's tab pattern says). */
function ViewTabs() {
  const view = useUi((s) => s.view);
  const pick = (v: AppView) => useUi.setState({ view: v });
  const onKey = (e: React.KeyboardEvent) => {
    const i = VIEWS.findIndex((v) => v.id === view);
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const next = VIEWS[(i + d + VIEWS.length) % VIEWS.length].id;
    pick(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <nav className="view-tabs" role="tablist" aria-label="Views" onKeyDown={onKey}>
      {VIEWS.map((v) => (
        <button
          key={v.id}
          id={`tab-${v.id}`}
          role="tab"
          aria-selected={view === v.id}
          aria-controls={`view-${v.id}`}
          tabIndex={view === v.id ? 0 : -1}
          onClick={() => pick(v.id)}
        >
          {v.label}
        </button>
      ))}
    </nav>
  );
}

export function App() {
  const view = useUi((s) => s.view);
  return (
    <main>
      <header className="title">
        <h1>
          AgeLab <span className="tagline">how a KVM guest’s memory ages on its host</span>
        </h1>
        <ViewTabs />
        {view === 'dashboard' && <Intro />}
      </header>
      {/* the dashboard stays mounted (its socket and stores live on) while another view shows */}
      <div
        id="view-dashboard"
        role="tabpanel"
        aria-labelledby="tab-dashboard"
        hidden={view !== 'dashboard'}
      >
        <Dashboard />
      </div>
      {view === 'classic' && (
        <div id="view-classic" role="tabpanel" aria-labelledby="tab-classic">
          <ClassicView />
        </div>
      )}
      {view === 'sweeps' && (
        <div id="view-sweeps" role="tabpanel" aria-labelledby="tab-sweeps">
          <SweepView />
        </div>
      )}
    </main>
  );
}

function Dashboard() {
  const welcome = useConn((s) => s.welcome);
  const errors = useConn((s) => s.errors);
  const status = useConn((s) => s.status);
  const policies = welcome?.policies ?? [];
  return (
    <>
      <TopBar />
      <LessonPanel />
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
      <section className="explain" aria-label="Explain">
        <EventLog />
        <PageInspector />
        <KernelCode />
      </section>
      <Knobs />
      <HelpDialog />
      <ForkDialog />
      <ScenarioEditor />
      <footer className="foot">
        Press <kbd>?</kbd> for keyboard shortcuts. Simulated with the kernel’s own names:{' '}
        <code>pf_fixed</code> counts EPT violations, <code>pgmajfault</code> major faults,{' '}
        <code>pswpout</code> swap-outs.
      </footer>
    </>
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
