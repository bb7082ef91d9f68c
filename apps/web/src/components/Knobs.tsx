import { useRef, useState } from 'react';
import type { Knob, KnobChange } from '@agelab/protocol';
import { useConn } from '../store.ts';
import { setKnob } from '../actions.ts';
import type { JsonValue, ScenarioJson } from '../api.ts';

const get = (o: ScenarioJson | null, path: string): JsonValue | undefined => {
  let v: JsonValue | undefined = o ?? undefined;
  for (const k of path.split('.')) {
    if (v && typeof v === 'object' && !Array.isArray(v)) v = v[k];
    else return undefined;
  }
  return v;
};
const num = (v: JsonValue | undefined, d: number): number =>
  typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : d;

const NO_CHANGES: readonly KnobChange[] = [];

export const KHUGEPAGED_STEPS = [512, 1024, 2048, 4096, 8192, 16384, 65536];

/**
 * The knobs of the running simulation: applied to every run at once on release (pointer up,
 * Enter, or leaving the control), never on each arrow-key step. Their current value is the
 * scenario's, overridden by the knob log up to now.
 */
export function Knobs() {
  const scenario = useConn((s) => s.scenario);
  const log = useConn((s) => s.run?.knobLog);
  const refIndex = useConn((s) => s.run?.refIndex ?? 0);
  const guestMiB = num(get(scenario, 'guest.memoryMiB'), 256);
  const driver = useConn((s) => s.role === 'driver' && s.status === 'open');
  const current = (knob: Knob, d: number): number => {
    let v = d;
    for (const k of log ?? []) if (k.knob === knob && k.at <= refIndex) v = k.value;
    return v;
  };
  const limit = current('limitMiB', num(get(scenario, 'host.memcgLimitMiB'), 128));
  const hot = current('hotMiB', num(get(scenario, 'workload.hotMiB'), 64));
  const thp = current('thp', num(get(scenario, 'thp.enabled'), 0));
  const scan = current(
    'khugepagedPagesToScan',
    num(get(scenario, 'thp.khugepaged.pagesToScan'), 4096),
  );
  const sleepMs = current(
    'khugepagedScanSleepMs',
    num(get(scenario, 'thp.khugepaged.scanSleepMs'), 10000),
  );
  const scanIdx = Math.max(
    0,
    KHUGEPAGED_STEPS.findIndex((s) => s >= scan),
  );
  return (
    <section className="knobs" aria-label="Knobs">
      <h3>Knobs</h3>
      <CommitSlider
        label="cgroup limit"
        hint="memory.limit_in_bytes of the guest's cgroup"
        min={8}
        max={guestMiB}
        step={8}
        value={limit}
        disabled={!driver}
        format={(v) => `${v} MiB`}
        onCommit={(v) => setKnob('limitMiB', v)}
      />
      <CommitSlider
        label="Hot set"
        hint="size of the guest's hot working set"
        min={4}
        max={Math.max(8, Math.floor(guestMiB * 0.75))}
        step={4}
        value={hot}
        disabled={!driver}
        format={(v) => `${v} MiB`}
        onCommit={(v) => setKnob('hotMiB', v)}
      />
      <label className="knob thp" title="transparent hugepages for new guest memory">
        <span>THP</span>
        <input
          type="checkbox"
          aria-label="THP"
          checked={thp !== 0}
          disabled={!driver}
          onChange={(e) => setKnob('thp', e.target.checked ? 1 : 0)}
        />
        <output>{thp ? 'on' : 'off'}</output>
      </label>
      <CommitSlider
        label="khugepaged"
        hint="pages khugepaged scans per pass (khugepaged/pages_to_scan)"
        min={0}
        max={KHUGEPAGED_STEPS.length - 1}
        step={1}
        value={scanIdx}
        disabled={!driver}
        format={(i) => `${KHUGEPAGED_STEPS[i]} pages every ${sleepMs / 1000} s`}
        onCommit={(i) => setKnob('khugepagedPagesToScan', KHUGEPAGED_STEPS[i])}
      />
      <KnobLog />
    </section>
  );
}

/** The knob changes recorded in this run, with the simulated time they happened at. */
function KnobLog() {
  const log = useConn((s) => s.run?.knobLog) ?? NO_CHANGES;
  const rate = useConn((s) => s.welcome?.rate ?? 1);
  if (!log.length)
    return (
      <p className="knoblog field-note">
        No knob changed yet; changes apply to every run and show on the timeline.
      </p>
    );
  return (
    <ol className="knoblog" aria-label="Knob changes">
      {log.map((k, i) => (
        <li key={i}>
          t = {(k.at / rate).toFixed(2)} s: <code>{k.knob}</code> = {k.value}
        </li>
      ))}
    </ol>
  );
}

interface SliderProps {
  label: string;
  hint: string;
  min: number;
  max: number;
  step: number;
  value: number;
  disabled: boolean;
  format: (v: number) => string;
  onCommit: (v: number) => void;
}

/** A range whose value is applied on release or Enter (or on leaving it), not while it moves. */
export function CommitSlider({
  label,
  hint,
  min,
  max,
  step,
  value,
  disabled,
  format,
  onCommit,
}: SliderProps) {
  const draft = useRef<number | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const commit = () => {
    const d = draft.current;
    draft.current = null;
    setShown(null);
    if (d !== null && d !== value) onCommit(d);
  };
  const v = shown ?? value;
  return (
    <label className="knob" title={hint}>
      <span>{label}</span>
      <input
        type="range"
        aria-label={label}
        aria-valuetext={format(v)}
        min={min}
        max={max}
        step={step}
        value={Math.min(max, Math.max(min, v))}
        disabled={disabled}
        onChange={(e) => {
          draft.current = Number(e.target.value);
          setShown(draft.current);
        }}
        onPointerUp={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            draft.current = null;
            setShown(null);
          }
        }}
        onBlur={commit}
      />
      <output>{format(v)}</output>
      {shown !== null && <span className="knob-pending">Enter to apply</span>}
    </label>
  );
}
