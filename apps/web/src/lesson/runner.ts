import { seekTo, setKnob } from '../actions.ts';
import { createRun } from '../api.ts';
import { adoptFork, send } from '../connection.ts';
import { useConn, useSetup, useUi } from '../store.ts';
import { loadLesson, needsNewRun, planStep, useLesson, type Lesson } from './lesson.ts';

/**
 * The teacher's side of lesson mode: start a lesson (on a run of its preset and policies),
 * move to a step (tell the class, then put the run where the step says), end it.
 */

/** Bumped by every move: a step still waiting for its seek gives up when another one starts. */
let generation = 0;

const driving = (): boolean => {
  const c = useConn.getState();
  return c.role === 'driver' && c.status === 'open';
};

/** Resolve when `cond` holds on the connection store, or reject after `ms`. */
function whenConn(cond: () => boolean, ms: number, what: string): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      un();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const un = useConn.subscribe(() => {
      if (!cond()) return;
      clearTimeout(timer);
      un();
      resolve();
    });
  });
}

function fail(e: unknown): void {
  useLesson.setState({ busy: false, error: e instanceof Error ? e.message : String(e) });
}

/**
 * Start lesson `name` at its first step. When this run is not of the lesson's preset and
 * policies, a new run is opened and the class is led into it (the `lead` message).
 */
export async function startLesson(name: string): Promise<void> {
  const my = ++generation;
  useLesson.setState({ busy: true, error: null, pickerOpen: false });
  try {
    const lesson = await loadLesson(name);
    const policies = useConn.getState().welcome?.policies ?? [];
    if (needsNewRun(lesson, { preset: useSetup.getState().preset, policies })) {
      const before = useConn.getState().runId;
      const created = await createRun({
        preset: lesson.preset,
        policies: lesson.policies,
        seed: useSetup.getState().seed,
      });
      // the class comes along: everyone watching this run is told to follow into the new one
      send({ type: 'lead', runId: created.id, token: created.token });
      useUi.setState({ pendingSeek: null });
      useSetup.setState({
        preset: lesson.preset,
        chosenPolicies: lesson.policies,
        issues: [],
        issueMessage: null,
        draft: null,
      });
      adoptFork(created.id, created.token);
      await whenConn(
        () => useConn.getState().runId !== before && driving(),
        30_000,
        `the lesson's run (${lesson.preset})`,
      );
    }
    if (my !== generation) return;
    await goToStep(lesson, 0);
  } catch (e) {
    fail(e);
  }
}

/** Move the class to step `index` of `lesson`, and put the run there. */
export async function goToStep(lesson: Lesson, index: number): Promise<void> {
  const step = lesson.steps[index];
  if (!step || !driving()) return;
  const my = ++generation;
  useLesson.setState({ busy: true, error: null });
  try {
    if (!send({ type: 'lesson', lesson: lesson.name, step: index }))
      throw new Error('not connected: the class was not moved');
    const { run, welcome } = useConn.getState();
    const rate = welcome?.rate ?? 1;
    const plan = planStep(step, {
      time: run?.time ?? 0,
      refIndex: run?.refIndex ?? 0,
      knobLog: run?.knobLog ?? [],
      rate,
    });
    if (plan.lens) useUi.setState({ lens: plan.lens });
    if (plan.seek !== undefined) seekTo(plan.seek);
    if (plan.knob) {
      // a knob applies at the run's current reference: wait until the seek has got there
      const target = Math.round((step.set.time ?? 0) * rate);
      if (step.set.time !== undefined)
        await whenConn(
          () => {
            const r = useConn.getState().run;
            return my !== generation || (!!r && !r.busy && r.refIndex === target);
          },
          120_000,
          `the run to reach ${step.set.time} s`,
        );
      if (my !== generation) return;
      setKnob(plan.knob.name, plan.knob.value);
    }
    if (my === generation) useLesson.setState({ busy: false });
  } catch (e) {
    if (my === generation) fail(e);
  }
}

/** End the lesson for the whole class. */
export function endLesson(): void {
  generation++;
  send({ type: 'lesson', lesson: null, step: 0 });
  useLesson.setState({ busy: false, error: null });
}
