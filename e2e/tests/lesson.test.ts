import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHONE,
  figure,
  openPage,
  playUntil,
  shot,
  shotsDir,
  simTime,
  startLab,
  stopLab,
  timeIs,
  type Lab,
} from './support.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await stopLab(lab);
});

const runIdOf = (page: Page): string | null => new URL(page.url()).searchParams.get('run');
const connection = (page: Page) => page.getByRole('status', { name: 'Connection' });
const checkedLens = (page: Page) =>
  page
    .getByRole('radiogroup', { name: 'Lens' })
    .getByRole('radio', { checked: true })
    .textContent();
const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** A second browser (no token) watching the teacher's run through its shared link. */
async function viewerOf(teacher: Page, viewport = { width: 1440, height: 1000 }): Promise<Page> {
  const id = runIdOf(teacher);
  expect(id).toBeTruthy();
  const ctx = await lab.browser.newContext({ viewport });
  const page = await ctx.newPage();
  await page.goto(`${lab.base}/?run=${id}`);
  await connection(page).filter({ hasText: 'watching' }).waitFor({ timeout: 30_000 });
  return page;
}

/** The teacher left run `from` for another; wait until the student watches that one too. */
async function classFollowed(
  teacher: Page,
  student: Page,
  from: string | null,
): Promise<string | null> {
  await expect.poll(() => runIdOf(teacher), { timeout: 30_000 }).not.toBe(from);
  const to = runIdOf(teacher);
  await expect.poll(() => runIdOf(student), { timeout: 30_000 }).toBe(to);
  await connection(student).filter({ hasText: 'watching' }).waitFor({ timeout: 30_000 });
  return to;
}

describe('bookmarks', () => {
  it('a bookmark seeks to its moment, from the list and from its mark on the timeline', async () => {
    const { page, errors } = await openPage(lab);
    const end = await playUntil(page, 20);
    const list = page.getByRole('list', { name: 'Bookmarks' });
    const hot = list.getByRole('button', { name: /^First hot page swapped out, always-old, / });
    await hot.waitFor({ timeout: 30_000 });
    const hotAt = Number(await hot.getAttribute('data-time'));
    expect(hotAt).toBeGreaterThan(0);
    expect(hotAt).toBeLessThan(end);
    const hotAtEnd = await figure(page, 0, 'sim_hot_pages_swapped_out');
    await shot(page, 'bookmarks-desktop');

    await hot.click();
    await timeIs(page, hotAt);
    // the counters are those of the bookmark's moment: the first hot page swapped out is just in
    await expect.poll(() => figure(page, 0, 'sim_hot_pages_swapped_out')).toBeGreaterThan(0);
    const atMoment = await figure(page, 0, 'sim_hot_pages_swapped_out');
    expect(atMoment).toBeLessThan(hotAtEnd);

    // the same moment's mark on the timeline, by keyboard: another bookmark, Enter seeks there
    const limit = list.getByRole('button', { name: /^The cgroup first hits its limit/ }).first();
    const limitAt = Number(await limit.getAttribute('data-time'));
    expect(limitAt).not.toBe(hotAt);
    const mark = page
      .locator('.agl-timeline-marks')
      .getByRole('button', { name: (await limit.getAttribute('aria-label')) ?? '' });
    await mark.focus();
    await page.keyboard.press('Enter');
    await timeIs(page, limitAt);
    expect(await simTime(page)).toBeCloseTo(limitAt, 3);
    expect(errors).toEqual([]);

    // a phone: the list wraps, nothing scrolls sideways
    await page.setViewportSize(PHONE);
    await page.locator('section.timeline').scrollIntoViewIfNeeded();
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.locator('section.timeline').screenshot({ path: `${shotsDir}bookmarks-phone.png` });
    await shot(page, 'bookmarks-phone-full');
    await page.context().close();
  });
});

describe('lesson mode', () => {
  it('the teacher walks through the steps and a viewer’s screen follows', async () => {
    const { page: teacher, errors } = await openPage(lab);
    const student = await viewerOf(teacher, PHONE);
    expect(await student.getByRole('button', { name: 'Lesson' }).isDisabled()).toBe(true);

    await teacher.getByRole('button', { name: 'Lesson' }).click();
    const picker = teacher.getByRole('dialog', { name: 'Lessons' });
    await picker.waitFor();
    await picker.getByRole('button', { name: 'Start “Why the patch was needed”' }).click();
    const panel = teacher.getByRole('region', { name: 'Lesson' });
    await expect.poll(() => panel.getByTestId('lesson-step').textContent()).toBe('step 1 of 5');
    const follows = student.getByRole('region', { name: 'Lesson' });
    await expect.poll(() => follows.getByTestId('lesson-step').textContent()).toBe('step 1 of 5');
    expect(await follows.textContent()).toMatch(/The experiment/);
    // the run the class watches is the one the teacher drives: no new run was opened
    expect(runIdOf(teacher)).toBe(runIdOf(student));

    // step 2: t = 15 s, belief lens, on both screens
    await panel.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => follows.getByTestId('lesson-step').textContent()).toBe('step 2 of 5');
    expect(await follows.textContent()).toMatch(/What the host believes/);
    await expect.poll(() => checkedLens(student)).toMatch(/Belief/);
    await expect.poll(() => checkedLens(teacher)).toMatch(/Belief/);
    await timeIs(teacher, 15);
    await expect.poll(() => simTime(student), { timeout: 40_000 }).toBeCloseTo(15, 2);
    await shot(teacher, 'lesson-desktop');
    await shot(student, 'lesson-phone-viewer');
    expect(await noHorizontalScroll(student)).toBe(true);

    // steps 3 and 4 (t = 30 s, residency), then 5 turns the cgroup limit down at 30 s
    await panel.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => checkedLens(student)).toMatch(/Residency/);
    await timeIs(teacher, 30);
    // by keyboard: Space on the focused Next moves to step 4 and does not also play the run
    await panel.getByRole('button', { name: 'Next' }).focus();
    await teacher.keyboard.press(' ');
    await expect.poll(() => follows.getByTestId('lesson-step').textContent()).toBe('step 4 of 5');
    expect(await teacher.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => follows.getByTestId('lesson-step').textContent()).toBe('step 5 of 5');
    const knobMark = /^Knob change: limitMiB = 96 at 30\.0 s$/;
    await teacher.getByRole('button', { name: knobMark }).waitFor({ timeout: 60_000 });
    await student.getByRole('button', { name: knobMark }).waitFor({ timeout: 30_000 });
    expect(await panel.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    // Back, then the end of the lesson clears every screen
    await panel.getByRole('button', { name: 'Back' }).click();
    await expect.poll(() => follows.getByTestId('lesson-step').textContent()).toBe('step 4 of 5');
    await panel.getByRole('button', { name: 'End lesson' }).click();
    await expect.poll(() => follows.count()).toBe(0);
    expect(errors).toEqual([]);
    await student.context().close();
    await teacher.context().close();
  }, 240_000);
});

describe('a lesson on another scenario', () => {
  it('opens a run of its preset and the class follows the teacher into it', async () => {
    const { page: teacher, errors } = await openPage(lab);
    const student = await viewerOf(teacher);
    const original = runIdOf(teacher);
    await teacher.getByRole('button', { name: 'Lesson' }).click();
    await teacher
      .getByRole('dialog', { name: 'Lessons' })
      .getByRole('button', { name: 'Start “Hugepages under reclaim”' })
      .click();
    await classFollowed(teacher, student, original);
    const follows = student.getByRole('region', { name: 'Lesson' });
    await expect
      .poll(() => follows.getByTestId('lesson-step').textContent(), { timeout: 30_000 })
      .toBe('step 1 of 3');
    await expect.poll(() => checkedLens(student)).toMatch(/Hugepages/);
    await expect
      .poll(() => student.locator('section.column h2').allTextContents())
      .toEqual(['always-old', 'unmap-emulation', 'ept-ad-bits']);
    await expect.poll(() => simTime(student), { timeout: 60_000 }).toBeCloseTo(2, 2);
    expect(errors).toEqual([]);
    await student.context().close();
    await teacher.context().close();
  }, 180_000);
});

describe('the class follows a fork', () => {
  it('“Yes, the class follows” moves the viewer’s tab into the fork; “No” leaves it', async () => {
    const { page: teacher } = await openPage(lab);
    const student = await viewerOf(teacher);
    const original = runIdOf(teacher);

    await teacher.getByRole('button', { name: 'Fork' }).click();
    const dialog = teacher.getByRole('dialog', { name: 'Fork this run' });
    await shot(teacher, 'fork-dialog');
    await dialog.getByRole('button', { name: 'Yes, the class follows' }).click();
    const fork = await classFollowed(teacher, student, original);
    await connection(teacher).filter({ hasText: 'you drive' }).waitFor({ timeout: 20_000 });

    // No: the teacher goes alone; the class stays on the run it watches
    await teacher.getByRole('button', { name: 'Fork' }).click();
    await dialog.getByRole('button', { name: /^No, I go alone/ }).click();
    await expect.poll(() => runIdOf(teacher), { timeout: 20_000 }).not.toBe(fork);
    await connection(teacher).filter({ hasText: 'you drive' }).waitFor({ timeout: 20_000 });
    expect(runIdOf(student)).toBe(fork);
    await student.context().close();
    await teacher.context().close();
  });
});
