/**
 * The timeline scrubber: a slider over simulated time (role="slider", named "Timeline") with the
 * played range, the current time, and marks for knob changes and bookmarks (each a button).
 *
 * Usage:
 *   <Timeline max={Math.max(welcome.seconds, state.time)} value={state.time} played={furthest}
 *     marks={state.knobLog.map((k) => ({ time: k.at / welcome.rate, label: `${k.knob} = ${k.value}`, kind: 'knob' }))}
 *     onScrub={(t) => coalescedSeek(t)} onScrubEnd={(t) => seek(t)} onMark={(m) => seek(m.time)} />
 *
 * Pointer: pressing on the track jumps there and dragging follows; onScrub is called on every
 * move (the parent coalesces), onScrubEnd once on release. Keyboard (WAI-ARIA slider): ←/→ and
 * ↓/↑ one step (shift: a page), PageDown/PageUp a page, Home/End the ends; each key press calls
 * onScrub then onScrubEnd. Handled keys do not propagate, so page-wide shortcuts (→ = step) do
 * not also fire while the slider has focus.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import './charts.css';
import { formatSeconds } from './plot';
import { chartVars } from './theme';
import { defaultPageStep, keyToValue, pointerToValue, valueToPercent } from './timeline-math';
import { useWidth } from './use-width';
import { markLanes } from '../bookmarks/lanes';

export interface TimelineMark {
  /** Simulated seconds. */
  time: number;
  /** What happened ("cgroup limit = 24000 pages"). */
  label: string;
  /** "knob" or "bookmark" (others are shown as a neutral dot). */
  kind: 'knob' | 'bookmark' | (string & {});
  /** A stable key (default: kind, time and label). */
  id?: string;
  /** The accessible name and tooltip in full (default: "<Kind>: <label> at <time>"). */
  name?: string;
  /** The symbol drawn (default by kind: ◆ knob, ⚑ bookmark). */
  glyph?: string;
}

export interface TimelineProps {
  /** Start of the timeline (default 0). */
  min?: number;
  /** End of the timeline in simulated seconds (e.g. the scenario's length, or the time reached). */
  max: number;
  /** The current simulated time. */
  value: number;
  /** The furthest time simulated so far (shown as the played range; default: value). */
  played?: number;
  /** ←/→ step in seconds (default 0.1). */
  step?: number;
  /** PageUp/PageDown step (default about a tenth of the range). */
  pageStep?: number;
  marks?: readonly TimelineMark[];
  /** Called continuously while dragging, and on each key press. */
  onScrub: (timeSeconds: number) => void;
  /** Called once when a drag ends (and after each key press). */
  onScrubEnd?: (timeSeconds: number) => void;
  onMark?: (mark: TimelineMark) => void;
  /** Accessible name (default "Timeline"). */
  label?: string;
  disabled?: boolean;
}

/** A mark's width in px: marks closer than this go into another row. */
const MARK_PX = 22;
/** How long the thumb stays where a scrub ended when `value` does not follow (no seek). */
const PENDING_MS = 1500;
const MARK_GLYPH: Record<string, string> = { knob: '◆', bookmark: '⚑' };
const MARK_NAME: Record<string, string> = { knob: 'Knob change', bookmark: 'Bookmark' };

export function Timeline(props: TimelineProps) {
  const { min = 0, value, step = 0.1, marks = [], onScrub, onScrubEnd, onMark } = props;
  const max = props.max > min ? props.max : min + step;
  const pageStep = props.pageStep ?? defaultPageStep(min, max, step);
  const trackRef = useRef<HTMLDivElement>(null);
  const [drag, setDragState] = useState<number | null>(null);
  // The drag as of the latest event (state lags a render; lostpointercapture follows pointerup).
  const dragRef = useRef<number | null>(null);
  const setDrag = (t: number | null): void => {
    dragRef.current = t;
    setDragState(t);
  };
  // After a scrub ends, show where it went until `value` moves (the seek answered) or a moment
  // passes, so the thumb does not jump back while the server seeks, and quick key presses add up.
  const [pending, setPending] = useState<number | null>(null);
  useEffect(() => setPending(null), [value]);
  useEffect(() => {
    if (pending === null) return;
    const id = setTimeout(() => setPending(null), PENDING_MS);
    return () => clearTimeout(id);
  }, [pending]);
  const shown = drag ?? pending ?? Math.min(max, Math.max(min, value));
  const played = Math.max(shown, props.played ?? value);
  const label = props.label ?? 'Timeline';

  const timeAt = (clientX: number): number => {
    const r = trackRef.current?.getBoundingClientRect();
    return r ? pointerToValue(clientX, r.left, r.width, min, max) : shown;
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (props.disabled || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    e.currentTarget.focus();
    const t = timeAt(e.clientX);
    setDrag(t);
    onScrub(t);
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (dragRef.current === null) return;
    const t = timeAt(e.clientX);
    if (t === dragRef.current) return;
    setDrag(t);
    onScrub(t);
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>, commit: boolean): void => {
    const last = dragRef.current;
    if (last === null) return;
    setDrag(null);
    if (e.currentTarget.hasPointerCapture?.(e.pointerId))
      e.currentTarget.releasePointerCapture(e.pointerId);
    const t = commit ? timeAt(e.clientX) : last;
    if (t !== last) onScrub(t);
    setPending(t);
    onScrubEnd?.(t);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (props.disabled || e.altKey || e.ctrlKey || e.metaKey) return;
    const v = keyToValue(e.key, shown, { min, max, step, pageStep }, e.shiftKey);
    if (v === null) return;
    e.preventDefault();
    e.stopPropagation();
    if (v === shown) return;
    onScrub(v);
    setPending(v);
    onScrubEnd?.(v);
  };

  const pct = valueToPercent(shown, min, max);
  // Tab order follows time; marks that would overlap are stacked in rows
  const [marksRef, marksWidth] = useWidth<HTMLDivElement>(600);
  const sorted = [...marks].sort((a, b) => a.time - b.time);
  const lanes = markLanes(
    sorted.map((m) => (valueToPercent(m.time, min, max) / 100) * marksWidth),
    MARK_PX,
  );
  const rows = lanes.length ? Math.max(...lanes) + 1 : 1;
  return (
    <div className="agl-timeline" style={chartVars}>
      <div className="agl-timeline-row">
        <div className="agl-timeline-body">
          <div
            ref={trackRef}
            className="agl-timeline-slider"
            role="slider"
            tabIndex={props.disabled ? -1 : 0}
            aria-label={label}
            aria-valuemin={min}
            aria-valuemax={max}
            aria-valuenow={+shown.toFixed(3)}
            aria-valuetext={formatSeconds(shown)}
            aria-orientation="horizontal"
            aria-disabled={props.disabled || undefined}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={(e) => endDrag(e, true)}
            onPointerCancel={(e) => endDrag(e, false)}
            onLostPointerCapture={(e) => endDrag(e, false)}
            onKeyDown={onKeyDown}
          >
            <div className="agl-timeline-track">
              <div
                className="agl-timeline-played"
                style={{ width: `${valueToPercent(played, min, max)}%` }}
              />
              <div className="agl-timeline-elapsed" style={{ width: `${pct}%` }} />
            </div>
            <div className="agl-timeline-thumb" style={{ left: `${pct}%` }} />
          </div>
          {/* always there (empty: no height), so its width is measured before marks come */}
          <div
            className="agl-timeline-marks"
            ref={marksRef}
            style={{ height: `${marks.length ? rows * MARK_PX : 0}px` }}
          >
            {sorted.map((m, i) => {
              const name =
                m.name ?? `${MARK_NAME[m.kind] ?? m.kind}: ${m.label} at ${formatSeconds(m.time)}`;
              return (
                <button
                  key={m.id ?? `${m.kind}@${m.time}:${m.label}`}
                  type="button"
                  className={`agl-timeline-mark agl-mark-${m.kind}`}
                  style={{
                    left: `${valueToPercent(m.time, min, max)}%`,
                    top: `${lanes[i] * MARK_PX}px`,
                  }}
                  aria-label={name}
                  title={m.name ?? `${formatSeconds(m.time)} · ${m.label}`}
                  onClick={() => onMark?.(m)}
                  disabled={props.disabled}
                >
                  <span aria-hidden="true">{m.glyph ?? MARK_GLYPH[m.kind] ?? '•'}</span>
                </button>
              );
            })}
          </div>
        </div>
        <div className="agl-timeline-readout" aria-hidden="true">
          <b>{formatSeconds(shown)}</b> / {formatSeconds(max)}
        </div>
      </div>
    </div>
  );
}
