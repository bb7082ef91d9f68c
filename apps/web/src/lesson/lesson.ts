import { create } from 'zustand';
import type { Knob, KnobChange, LensName, LessonState } from '@agelab/protocol';
import { useUi } from '../store.ts';

/**
 * Lesson mode. A lesson (`/api/lessons/:name`, validated by the server) is a walk through a
 * preset in steps; each step may set the lens, the time and a knob, and says what to look at.
 * The teacher (the run's driver) moves the class with the `lesson` socket message; the server
 * tells every viewer the lesson and step, and each screen applies the step's lens itself. Time
 * and knobs are the run's, so the teacher's seek and knob messages move everyone's screen.
 */
import type { Lesson, LessonInfo, LessonStep } from '@agelab/protocol';
export type { Lesson, LessonInfo, LessonStep } from '@agelab/protocol';

export interface LessonStore {
  /** `/api/lessons`, once loaded. */
  catalogue: LessonInfo[] | null;
  /** Lessons fetched in full, by name. */
  lessons: Record<string, Lesson>;
  /** Where the teacher has the class (from the server), null when no lesson is on. */
  state: LessonState | null;
  /** The teacher's lesson picker is open. */
  pickerOpen: boolean;
  /** The teacher's client is setting a step up (seeking before a knob, or opening a run). */
  busy: boolean;
  error: string | null;
}
export const useLesson = create<LessonStore>(() => ({
  catalogue: null,
  lessons: {},
  state: null,
  pickerOpen: false,
  busy: false,
  error: null,
}));

class LessonFetchError extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) throw new LessonFetchError(body?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

/** The lessons the server offers (cached). */
export async function loadCatalogue(): Promise<LessonInfo[]> {
  const have = useLesson.getState().catalogue;
  if (have) return have;
  const list = await getJson<LessonInfo[]>('/api/lessons');
  useLesson.setState({ catalogue: list });
  return list;
}

/** One lesson with its steps (cached). */
export async function loadLesson(name: string): Promise<Lesson> {
  const have = useLesson.getState().lessons[name];
  if (have) return have;
  const l = await getJson<Lesson>(`/api/lessons/${encodeURIComponent(name)}`);
  useLesson.setState((s) => ({ lessons: { ...s.lessons, [name]: l } }));
  return l;
}

/** The step the class is at, once its lesson is loaded. */
export function currentStep(
  s: Pick<LessonStore, 'state' | 'lessons'>,
): { lesson: Lesson; step: LessonStep; index: number } | null {
  if (!s.state) return null;
  const lesson = s.lessons[s.state.lesson];
  const step = lesson?.steps[s.state.step];
  return lesson && step ? { lesson, step, index: s.state.step } : null;
}

let applied: string | null = null;

/**
 * The server says where the class is (welcome or `lesson` message): load the lesson and put
 * the step's lens on this screen, once per step (a reader may pick another lens afterwards).
 */
export async function onLessonState(state: LessonState | null): Promise<void> {
  useLesson.setState({ state });
  if (!state) {
    applied = null;
    return;
  }
  try {
    const lesson = await loadLesson(state.lesson);
    const key = `${state.lesson}#${state.step}`;
    const now = useLesson.getState().state;
    if (now?.lesson !== state.lesson || now.step !== state.step || applied === key) return;
    applied = key;
    const lens = lesson.steps[state.step]?.set.lens;
    if (lens) useUi.setState({ lens });
  } catch (e) {
    useLesson.setState({
      error: `could not load the lesson "${state.lesson}": ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

/** What the teacher's client must do for a step, given where the run is. */
export interface StepPlan {
  lens?: LensName;
  /** Simulated seconds to seek to (absent: the run is there already, or the step sets no time). */
  seek?: number;
  /** A knob to turn once the run is at the step's time (absent: none, or it is set already). */
  knob?: { name: Knob; value: number };
}

export function planStep(
  step: LessonStep,
  run: { time: number; refIndex: number; knobLog: readonly KnobChange[]; rate: number },
): StepPlan {
  const plan: StepPlan = {};
  if (step.set.lens) plan.lens = step.set.lens;
  const t = step.set.time;
  if (t !== undefined && Math.abs(Math.round(t * run.rate) - run.refIndex) > 0) plan.seek = t;
  const k = step.set.knob;
  if (k) {
    const at = t !== undefined ? Math.round(t * run.rate) : run.refIndex;
    let value: number | undefined;
    for (const c of run.knobLog) if (c.knob === k.name && c.at <= at) value = c.value;
    if (value !== k.value) plan.knob = { name: k.name, value: k.value };
  }
  return plan;
}

/** A lesson needs a run of its own when this one is another preset or other policies. */
export function needsNewRun(
  lesson: Pick<Lesson, 'preset' | 'policies'>,
  current: { preset: string | null; policies: readonly string[] },
): boolean {
  return (
    lesson.preset !== current.preset ||
    lesson.policies.length !== current.policies.length ||
    lesson.policies.some((p, i) => current.policies[i] !== p)
  );
}
