import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useClock, useConn, useUi } from '../store.ts';
import { eventRing, filterRows, setKindFilter, setRunFilter, useEvents } from '../events/store.ts';
import { eventWords, kindLabel, subscribedKinds, tailPath } from '../events/words.ts';
import { useSelection } from '../inspector/store.ts';
import { seekTo } from '../actions.ts';
import { fmtInt } from '../format.ts';
import { useThrottledSlice, useThrottledVersion } from '../throttle.ts';
import { runColour } from '../map/colours.ts';
import './explain.css';

/** Row heights: two lines (time, page, words; kernel path), three on a narrow panel. */
const ROW_H = 46;
const ROW_H_NARROW = 64;
const NARROW_PX = 560;

/** Rows the log holds while it plays and follows its newest row. */
const LIVE_ROWS = 2000;

/**
 * The event log: every event the server streamed (all of each step while stepping, a sample while
 * playing), newest last, in plain words with the kernel path that raised it. Filtered by kind,
 * by run and by the time window brushed on the charts. Virtualised: only the rows on screen are
 * in the DOM, so 100,000 rows scroll smoothly. Clicking a row selects its page and seeks there.
 */
export function EventLog() {
  const welcome = useConn((s) => s.welcome);
  const driver = useConn((s) => s.role === 'driver');
  const playing = useClock((s) => s.playing);
  // While playing, once a second: following the newest rows replaces every row on screen at each
  // render (and the virtualizer lays the list out again). Stepping: 4 a second. The last always
  // arrives.
  const version = useThrottledVersion(useEvents, playing ? 1000 : 250);
  const kind = useEvents((s) => s.kind);
  const run = useEvents((s) => s.run);
  // under load some events are dropped on every frame: the count follows at the log's own pace
  const dropped = useThrottledSlice(useEvents, (s) => s.dropped, playing ? 1000 : 250);
  const stepFrom = useEvents((s) => s.stepFrom);
  const brush = useUi((s) => s.brush);
  const selected = useUi((s) => s.selectedGfn);
  const scroller = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [shown, setShown] = useState(version);
  const [narrow, setNarrow] = useState(false);
  const [pathChars, setPathChars] = useState(90);
  const rowH = narrow ? ROW_H_NARROW : ROW_H;

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      setNarrow(el.clientWidth < NARROW_PX);
      // the path's font is about 6.6 px a character
      setPathChars(Math.max(24, Math.floor((el.clientWidth - 24) / 6.8)));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // redraw at most once per animation frame, however many frames arrive
  useEffect(() => {
    const id = requestAnimationFrame(() => setShown(version));
    return () => cancelAnimationFrame(id);
  }, [version]);

  const kindNo = welcome && kind !== null ? welcome.eventNames.indexOf(kind) : -1;
  const rate = welcome?.rate ?? 1;
  const rowsBuf = useRef(new Uint32Array(eventRing.capacity));
  const { rows, n, inStep } = useMemo(() => {
    void shown;
    const res = filterRows(eventRing, { kind: kindNo, run, window: brush, rate }, rowsBuf.current);
    const A = eventRing.at;
    let step = 0;
    if (stepFrom !== null)
      for (let i = res.n - 1; i >= 0 && A[eventRing.slot(res.rows[i])] >= stepFrom; i--) step++;
    return { ...res, inStep: step };
  }, [shown, kindNo, run, brush, rate, stepFrom]);

  // While playing and following the newest row, the list holds only the newest LIVE_ROWS: the
  // virtualizer re-measures every row whenever the count changes, which for 100,000 rows took
  // longer than a frame several times a second. Paused, or scrolled up, it holds every row.
  const live = playing && follow.current;
  const base = live ? Math.max(0, n - LIVE_ROWS) : 0;
  // the list grows at the top when it stops being live: keep the reader's rows where they were
  const prevBase = useRef(0);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && prevBase.current > base) el.scrollTop += (prevBase.current - base) * rowH;
    prevBase.current = base;
  }, [base, rowH]);
  const virt = useVirtualizer({
    count: n - base,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowH,
    overscan: live ? 2 : 12,
  });
  useEffect(() => virt.measure(), [rowH, virt]);

  // a log follows its newest row unless the reader scrolled up
  useEffect(() => {
    if (follow.current && n > base) virt.scrollToIndex(n - base - 1, { align: 'end' });
  }, [n, base, shown, virt]);
  const onScroll = () => {
    const el = scroller.current;
    if (el) follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowH;
  };

  const policies = welcome?.policies ?? [];
  const kinds = welcome ? subscribedKinds(welcome.eventNames) : [];
  const totalDropped = dropped.reduce((a, b) => a + b, 0);
  const pick = (row: number) => {
    const s = eventRing.slot(row);
    const t = eventRing.at[s] / rate;
    const gfn = eventRing.gfn[s];
    // a reclaim pass marker is about no page: it only seeks
    if (welcome?.eventNames[eventRing.kind[s]] !== 'reclaim') {
      useSelection.setState({ hint: { gfn, time: t } });
      useUi.setState({ selectedGfn: gfn });
    }
    if (driver) seekTo(t);
  };

  return (
    <section className="panel event-log" aria-labelledby="event-log-title">
      <h2 id="event-log-title">Event log</h2>
      <div className="panel-controls">
        <label>
          Kind{' '}
          <select
            aria-label="Event kind"
            value={kind ?? ''}
            onChange={(e) => setKindFilter(e.target.value || null)}
          >
            <option value="">every kind</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Run{' '}
          <select
            aria-label="Event run"
            value={run ?? ''}
            onChange={(e) => setRunFilter(e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">every run</option>
            {policies.map((p, r) => (
              <option key={p + r} value={r}>
                {p}
              </option>
            ))}
          </select>
        </label>
        {brush && (
          <span className="brush-note">
            {brush[0].toFixed(2)}–{brush[1].toFixed(2)} s (brushed){' '}
            <button className="link" onClick={() => useUi.setState({ brush: null })}>
              all time
            </button>
          </span>
        )}
      </div>
      <p className="panel-note" data-testid="event-log-status">
        {playing
          ? `Playing: a sample of the stream; ${fmtInt(totalDropped)} events dropped so far (the counters stay exact).`
          : `Stepping: every event of each step is listed${stepFrom !== null ? `; the last step added ${fmtInt(inStep)} of those shown` : ''}.`}{' '}
        <span data-testid="event-log-count" data-count={n}>
          {fmtInt(n)} shown
        </span>
        {eventRing.overwritten > 0 &&
          `, ${fmtInt(eventRing.overwritten)} older ones overwritten (the newest ${fmtInt(eventRing.capacity)} are kept)`}
        .
      </p>
      <div
        className={`log-scroll${narrow ? ' narrow' : ''}`}
        ref={scroller}
        role="log"
        aria-label="Event log"
        aria-live="off"
        onScroll={onScroll}
      >
        {n === 0 && (
          <p className="log-empty">
            {welcome
              ? 'No events yet. Step to the next aging pass, or press Play.'
              : 'Waiting for the run…'}
          </p>
        )}
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {virt.getVirtualItems().map((v) => {
            const row = rows[v.index + base];
            const s = eventRing.slot(row);
            const k = eventRing.kind[s];
            const name = welcome?.eventNames[k] ?? String(k);
            const gfn = eventRing.gfn[s];
            const t = eventRing.at[s] / rate;
            const policy = policies[eventRing.run[s]] ?? '';
            const path = welcome?.kernelPaths[eventRing.path[s]] ?? '';
            const words = eventWords(name, eventRing.arg[s]);
            const fresh = !playing && stepFrom !== null && eventRing.at[s] >= stepFrom;
            return (
              <button
                // keyed by the event, not the list position: rows that stay on screen as events
                // arrive keep their DOM (keyed by position, every row's text changed each render)
                key={eventRing.overwritten + row}
                className={`log-row${fresh ? ' fresh' : ''}${gfn === selected ? ' selected' : ''}`}
                style={{ transform: `translateY(${v.start}px)`, height: rowH }}
                data-kind={name}
                data-gfn={gfn}
                data-run={eventRing.run[s]}
                onClick={() => pick(row)}
                title={`${words}\n${path}`}
              >
                <span className="log-line">
                  <span className="log-time">{t.toFixed(4)} s</span>
                  <span className="run-dot" style={{ background: runColour(policy) }} />
                  <span className="log-policy">{policy}</span>
                  <span className="log-gfn">
                    {name === 'reclaim' ? 'no page' : `gfn ${fmtInt(gfn)}`}
                  </span>
                  {!narrow && <span className="log-words">{words}</span>}
                </span>
                {narrow && <span className="log-words">{words}</span>}
                <code className="log-path">{tailPath(path, pathChars)}</code>
              </button>
            );
          })}
        </div>
      </div>
    </section>
  );
}
