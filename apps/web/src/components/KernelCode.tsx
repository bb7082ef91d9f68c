import { clockStopped, useConn, useClock } from '../store.ts';
import { useEvents } from '../events/store.ts';
import { EXCERPTS, type Excerpt } from '../kernel-code/excerpts.ts';
import { takenLines, type Taken } from '../kernel-code/branches.ts';
import { fmtInt } from '../format.ts';
import { runColour } from '../map/colours.ts';
import { useThrottledSlice } from '../throttle.ts';
import './explain.css';

const notPlaying = (): boolean => clockStopped(useClock.getState());

/**
 * The kernel code panel: kvm_age_rmapp before and after the patch, page_referenced_one and
 * shrink_page_list's decision, as short excerpts; the branch each run took last (from its AGE,
 * EPT_UNMAP, SWAP_OUT and LRU_ACTIVATE events) is highlighted with the gfn it was taken for.
 */
export function KernelCode() {
  const welcome = useConn((s) => s.welcome);
  // while playing the branch changes on every EVENTS frame: twice a second is as fast as anyone
  // reads it; paused, every step shows at once
  const branch = useThrottledSlice(useEvents, (s) => s.branch, 500, { settled: notPlaying });
  const decision = useThrottledSlice(useEvents, (s) => s.decision, 500, { settled: notPlaying });
  const playing = useClock((s) => s.playing);
  const policies = welcome?.policies ?? [];
  const rate = welcome?.rate ?? 1;
  const taken = takenLines(policies, branch, decision);
  const ages = taken.filter((x) => x.line.startsWith('age-'));
  return (
    <section className="panel kernel-code" role="region" aria-label="Kernel code">
      <h2>Kernel code</h2>
      <p className="panel-note">
        The path a reclaim pass takes to ask whether a guest page was used.{' '}
        {playing
          ? 'While playing, the highlight follows a sample of the events; pause and step to follow every one.'
          : 'Step to the next aging pass: each run’s branch is highlighted, with the page it was taken for.'}
      </p>
      {ages.length > 0 ? (
        <ul className="panel-note" aria-label="Branches taken">
          {ages.map((x) => (
            <li key={x.run} data-testid={`branch-${x.policy}`} data-line={x.line}>
              <span className="run-dot" style={{ background: runColour(x.policy) }} />{' '}
              <strong>{x.policy}</strong>: <code>kvm_age_rmapp</code>{' '}
              {x.line.startsWith('age-2.6.33') ? 'v2.6.33' : 'v2.6.34'} took{' '}
              <code>{lineText(x.line)}</code> for gfn {fmtInt(x.gfn)} at {(x.at / rate).toFixed(4)}{' '}
              s ({x.label})
            </li>
          ))}
        </ul>
      ) : (
        <p className="panel-note">No aging pass seen yet.</p>
      )}
      <div className="code-grid">
        {EXCERPTS.map((e) => (
          <Code key={e.id} excerpt={e} taken={taken} rate={rate} />
        ))}
      </div>
    </section>
  );
}

function lineText(key: string): string {
  const [ex, id] = key.split(':');
  const line = EXCERPTS.find((e) => e.id === ex)?.lines.find((l) => l.id === id);
  return line ? line.text.trim() : key;
}

function Code({ excerpt, taken, rate }: { excerpt: Excerpt; taken: Taken[]; rate: number }) {
  return (
    <figure className="code-block" aria-label={`${excerpt.func}, ${excerpt.version}`}>
      <figcaption>
        <strong>{excerpt.func}()</strong> · {excerpt.file} · {excerpt.version}
        <br />
        {excerpt.note}
      </figcaption>
      <pre>
        <code>
          {excerpt.lines.map((line, i) => {
            const key = line.id ? `${excerpt.id}:${line.id}` : '';
            const by = key ? taken.filter((x) => x.line === key) : [];
            return (
              <span key={i}>
                <span
                  className={`code-line${line.comment ? ' code-comment' : ''}${by.length ? ' taken' : ''}`}
                  data-line={key || undefined}
                  data-taken={by.length ? by.map((x) => x.policy).join(' ') : undefined}
                >
                  {line.text}
                </span>
                {by.length > 0 && (
                  <span className="code-line taken-note">
                    {by.map((x) => (
                      <span
                        className="taken-by"
                        key={x.run}
                        title={`${x.policy}: ${x.label}, at ${(x.at / rate).toFixed(4)} s`}
                      >
                        <span className="run-dot" style={{ background: runColour(x.policy) }} />▲{' '}
                        {x.policy}, gfn {fmtInt(x.gfn)}: {x.label}
                      </span>
                    ))}
                  </span>
                )}
              </span>
            );
          })}
        </code>
      </pre>
    </figure>
  );
}
