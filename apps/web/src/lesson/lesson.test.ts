import { afterEach, describe, expect, it, vi } from 'vitest';
import { useUi } from '../store.ts';
import { needsNewRun, onLessonState, planStep, useLesson, type Lesson } from './lesson.ts';

const RATE = 1000;
const run = (time: number, knobLog: { at: number; knob: 'limitMiB'; value: number }[] = []) => ({
  time,
  refIndex: Math.round(time * RATE),
  knobLog,
  rate: RATE,
});

describe('planStep: what the teacher’s client does for a step', () => {
  it('seeks only when the run is elsewhere, and sets the lens', () => {
    const step = { title: 't', text: 'x', look: 'y', set: { time: 15, lens: 'belief' as const } };
    expect(planStep(step, run(3))).toEqual({ lens: 'belief', seek: 15 });
    expect(planStep(step, run(15))).toEqual({ lens: 'belief' });
  });
  it('turns a knob unless the knob log already has that value at the step’s time', () => {
    const step = {
      title: 't',
      text: 'x',
      look: 'y',
      set: { time: 30, knob: { name: 'limitMiB' as const, value: 96 } },
    };
    expect(planStep(step, run(30))).toEqual({ knob: { name: 'limitMiB', value: 96 } });
    expect(planStep(step, run(30, [{ at: 30_000, knob: 'limitMiB', value: 96 }]))).toEqual({});
    // a change recorded after the step's time does not count
    expect(planStep(step, run(10, [{ at: 40_000, knob: 'limitMiB', value: 96 }]))).toEqual({
      seek: 30,
      knob: { name: 'limitMiB', value: 96 },
    });
  });
});

describe('needsNewRun', () => {
  const lesson = { preset: 'classic', policies: ['always-old', 'unmap-emulation'] };
  it('is false on a run of the same preset and policies, in order', () => {
    expect(
      needsNewRun(lesson, { preset: 'classic', policies: ['always-old', 'unmap-emulation'] }),
    ).toBe(false);
  });
  it('is true for another preset, other policies or another order', () => {
    expect(needsNewRun(lesson, { preset: 'classic-thp', policies: lesson.policies })).toBe(true);
    expect(needsNewRun(lesson, { preset: 'classic', policies: ['always-old'] })).toBe(true);
    expect(
      needsNewRun(lesson, { preset: 'classic', policies: ['unmap-emulation', 'always-old'] }),
    ).toBe(true);
    expect(needsNewRun(lesson, { preset: null, policies: lesson.policies })).toBe(true);
  });
});

describe('a screen following the lesson', () => {
  const lesson: Lesson = {
    name: 'demo',
    title: 'Demo',
    preset: 'classic',
    policies: ['always-old'],
    summary: 's',
    steps: [
      { title: 'one', text: 'a', look: 'b', set: { lens: 'belief' } },
      { title: 'two', text: 'a', look: 'b', set: { lens: 'huge' } },
      { title: 'three', text: 'a', look: 'b', set: {} },
    ],
  };
  afterEach(() => vi.unstubAllGlobals());

  it('loads the lesson from the server and puts each step’s lens on once', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(lesson), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    useUi.setState({ lens: 'residency' });
    await onLessonState({ lesson: 'demo', step: 0 });
    expect(fetch).toHaveBeenCalledWith('/api/lessons/demo');
    expect(useUi.getState().lens).toBe('belief');
    expect(useLesson.getState().state).toEqual({ lesson: 'demo', step: 0 });
    // the reader picks another lens; the same step said again (a reconnect) leaves it
    useUi.setState({ lens: 'heat' });
    await onLessonState({ lesson: 'demo', step: 0 });
    expect(useUi.getState().lens).toBe('heat');
    await onLessonState({ lesson: 'demo', step: 1 });
    expect(useUi.getState().lens).toBe('huge');
    // a step without a lens keeps the one on screen; the lesson was fetched once
    await onLessonState({ lesson: 'demo', step: 2 });
    expect(useUi.getState().lens).toBe('huge');
    expect(fetch).toHaveBeenCalledTimes(1);
    await onLessonState(null);
    expect(useLesson.getState().state).toBeNull();
  });

  it('says what went wrong when the lesson cannot be loaded', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () => new Response(JSON.stringify({ message: 'no lesson "gone"' }), { status: 404 }),
      ),
    );
    await onLessonState({ lesson: 'gone', step: 0 });
    expect(useLesson.getState().error).toBe('could not load the lesson "gone": no lesson "gone"');
  });
});
