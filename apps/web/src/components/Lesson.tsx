import { useEffect, type KeyboardEvent } from 'react';
import { useConn, useSetup } from '../store.ts';
import {
  currentStep,
  loadCatalogue,
  loadLesson,
  needsNewRun,
  useLesson,
  type LessonInfo,
} from '../lesson/lesson.ts';
import { endLesson, goToStep, startLesson } from '../lesson/runner.ts';
import { lensInfo } from '../map/lens.ts';
import { Dialog } from './Dialogs.tsx';
import '../lesson/lesson.css';

/**
 * Lesson mode: the top bar's "Lesson" button (the teacher, i.e. the driver, picks a lesson) and
 * the lesson panel under the top bar, which every screen of the run shows while a lesson is on:
 * the step's text and what to look at; the teacher also gets Back / Next / End.
 */
export function LessonButton() {
  const driver = useConn((s) => s.role === 'driver' && s.status === 'open');
  const on = useLesson((s) => s.state !== null);
  return (
    <button
      type="button"
      aria-label="Lesson"
      aria-haspopup="dialog"
      disabled={!driver}
      className={on ? 'lesson-on' : undefined}
      onClick={() => useLesson.setState({ pickerOpen: true, error: null })}
      title={
        driver
          ? 'Lead the class through a lesson: each step sets the view and says what to look at'
          : 'The driver (the teacher) leads lessons; your screen follows them'
      }
    >
      Lesson
    </button>
  );
}

/** Space on a focused button here presses it, and must not also reach the page's play/pause key. */
const keepSpace = (e: KeyboardEvent): void => {
  if (e.key === ' ') e.stopPropagation();
};

export function LessonPanel() {
  return (
    <>
      <LessonPicker />
      <LessonSteps />
    </>
  );
}

/** The teacher's choice of lesson: a dialog named "Lessons". */
function LessonPicker() {
  const open = useLesson((s) => s.pickerOpen);
  const catalogue = useLesson((s) => s.catalogue);
  const error = useLesson((s) => s.error);
  const preset = useSetup((s) => s.preset);
  const policies = useConn((s) => s.welcome?.policies);
  useEffect(() => {
    if (!open || catalogue) return;
    loadCatalogue().catch((e: unknown) =>
      useLesson.setState({
        error: `could not load the lessons: ${e instanceof Error ? e.message : String(e)}`,
      }),
    );
  }, [open, catalogue]);
  if (!open) return null;
  const close = () => useLesson.setState({ pickerOpen: false });
  return (
    <Dialog title="Lessons" onClose={close} wide>
      <p className="field-note">
        A lesson walks the class through a scenario in a few steps. You drive: each step puts the
        run at a moment and a lens and says what to look at; everyone watching this run (the link
        from “Copy link”) follows on their own screen.
      </p>
      {error && (
        <p className="lesson-error" role="alert">
          {error}
        </p>
      )}
      {!catalogue && !error && <p>Loading the lessons…</p>}
      <ul className="lesson-list" onKeyDown={keepSpace}>
        {(catalogue ?? []).map((l) => (
          <LessonChoice key={l.name} info={l} preset={preset} policies={policies ?? []} />
        ))}
      </ul>
    </Dialog>
  );
}

function LessonChoice({
  info,
  preset,
  policies,
}: {
  info: LessonInfo;
  preset: string | null;
  policies: readonly string[];
}) {
  const full = useLesson((s) => s.lessons[info.name]);
  useEffect(() => {
    void loadLesson(info.name).catch(() => undefined);
  }, [info.name]);
  const fresh = full ? needsNewRun(full, { preset, policies }) : info.preset !== preset;
  return (
    <li className="lesson-choice">
      <h3>{info.title}</h3>
      <p>{info.summary}</p>
      <p className="field-note">
        {info.steps} steps · scenario <code>{info.preset}</code>
        {full ? ` · ${full.policies.join(', ')}` : ''}
        {fresh
          ? '. Starts a new run of it, and everyone watching this run follows you there.'
          : '. Runs on this run: everyone watching follows.'}
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => void startLesson(info.name)}
        aria-label={`Start “${info.title}”`}
      >
        Start
      </button>
    </li>
  );
}

/** The step the class is at: for everyone while a lesson is on. */
function LessonSteps() {
  // select the parts (a selector returning a new object each time would re-render forever)
  const state = useLesson((s) => s.state);
  const lessons = useLesson((s) => s.lessons);
  const at = currentStep({ state, lessons });
  const busy = useLesson((s) => s.busy);
  const error = useLesson((s) => s.error);
  const picker = useLesson((s) => s.pickerOpen);
  const driver = useConn((s) => s.role === 'driver' && s.status === 'open');
  if (!at) return error && !picker ? <LessonError error={error} /> : null;
  const { lesson, step, index } = at;
  const last = lesson.steps.length - 1;
  const sets: string[] = [];
  if (step.set.time !== undefined) sets.push(`t = ${step.set.time} s`);
  if (step.set.lens) sets.push(`${lensInfo(step.set.lens).title} lens`);
  if (step.set.knob) sets.push(`${step.set.knob.name} = ${step.set.knob.value}`);
  return (
    <section className="lesson" aria-label="Lesson">
      <header className="lesson-head">
        <span className="lesson-tag">Lesson</span>
        <h2>{lesson.title}</h2>
        <span className="lesson-count" data-testid="lesson-step">
          step {index + 1} of {lesson.steps.length}
        </span>
        <span className="field-note lesson-follow">
          {driver
            ? 'you lead: everyone watching this run (its link, from Copy link) sees each step'
            : 'the teacher leads; your screen follows each step'}
        </span>
      </header>
      <div className="lesson-body" aria-live="polite">
        <h3 className="lesson-title">{step.title}</h3>
        <p className="lesson-text">{step.text}</p>
        <p className="lesson-look">
          <strong>Look: </strong>
          {step.look}
        </p>
        {sets.length > 0 && <p className="field-note">This step sets {sets.join(', ')}.</p>}
      </div>
      {driver && (
        <nav className="lesson-nav" aria-label="Lesson steps" onKeyDown={keepSpace}>
          <button
            type="button"
            disabled={index === 0}
            onClick={() => void goToStep(lesson, index - 1)}
          >
            Back
          </button>
          <ol className="lesson-dots">
            {lesson.steps.map((s, i) => (
              <li key={i}>
                <button
                  type="button"
                  className={i === index ? 'on' : undefined}
                  aria-current={i === index ? 'step' : undefined}
                  aria-label={`Step ${i + 1}: ${s.title}`}
                  title={s.title}
                  onClick={() => void goToStep(lesson, i)}
                >
                  {i + 1}
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="primary"
            disabled={index === last}
            onClick={() => void goToStep(lesson, index + 1)}
          >
            Next
          </button>
          <button type="button" onClick={endLesson}>
            End lesson
          </button>
          {busy && <span className="field-note">setting the step up…</span>}
        </nav>
      )}
      {error && <LessonError error={error} />}
    </section>
  );
}

function LessonError({ error }: { error: string }) {
  return (
    <p className="lesson-error" role="alert">
      Lesson: {error}{' '}
      <button className="link" onClick={() => useLesson.setState({ error: null })}>
        dismiss
      </button>
    </p>
  );
}
