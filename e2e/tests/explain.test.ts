import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { lensColours } from '../../apps/web/src/map/colours.ts';
import {
  PHONE,
  openPage,
  playUntil,
  settled,
  shot,
  simTime,
  startLab,
  stopLab,
  type Lab,
} from './support.ts';

/**
 * The explain row (issue 11): the event log, the page inspector and the kernel code panel, in
 * Chromium against the real server.
 */

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await stopLab(lab);
});

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

const logCount = async (page: Page): Promise<number> =>
  Number(await page.getByTestId('event-log-count').getAttribute('data-count'));

/** The log's row count once frames stop arriving. */
async function stableCount(page: Page): Promise<number> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const n = await logCount(page);
    if (n === last && n > 0) return n;
    last = n;
    await page.waitForTimeout(250);
  }
  return last;
}

/** Step to the next aging pass and wait until the run is idle again. */
async function stepAging(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Step to the next aging pass' }).click();
  await settled(page);
}

describe('the event log', () => {
  it('fills while stepping and filters by kind', async () => {
    const { page, errors } = await openPage(lab);
    const log = page.getByRole('log', { name: 'Event log' });
    await log.waitFor();
    expect(await logCount(page)).toBe(0);
    // the first step ends where the first reclaim pass starts; the second holds that pass's aging
    await stepAging(page);
    await expect.poll(() => logCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await stepAging(page);
    const all = await stableCount(page);
    // stepping: every event of the step, none dropped
    expect(await page.getByTestId('event-log-status').textContent()).toMatch(/^Stepping/);
    const kinds = await log
      .locator('.log-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds.length).toBeGreaterThan(0);
    // each row: simulated time, guest frame, words and the kernel path
    const first = log.locator('.log-row:not([data-kind="reclaim"])').first();
    expect(await first.textContent()).toMatch(/\d+\.\d{4} s.*gfn [\d,]+/);
    expect(await first.locator('.log-path').textContent()).toMatch(/→/);

    await page.getByLabel('Event kind').selectOption('age');
    await expect.poll(() => logCount(page)).toBeLessThan(all);
    expect(await logCount(page)).toBeGreaterThan(0);
    const shown = await log
      .locator('.log-row')
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-kind')))]);
    expect(shown).toEqual(['age']);
    expect(await log.locator('.log-path').first().textContent()).toMatch(
      /kvm_age_rmapp: (old|young)/,
    );
    await page.getByLabel('Event run').selectOption({ label: 'unmap-emulation' });
    const runs = await log
      .locator('.log-row')
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-run')))]);
    expect(runs).toEqual(['1']);
    await page.getByLabel('Event run').selectOption({ label: 'every run' });
    await page.getByLabel('Event kind').selectOption('');
    await expect.poll(() => logCount(page)).toBe(all);
    await page.getByRole('region', { name: 'Kernel code' }).waitFor();
    await page.locator('.event-log').screenshot({ path: `${shotDir()}desktop-event-log.png` });
    // playing: a sample of the stream, with the number dropped
    await page.getByRole('button', { name: 'Play' }).click();
    await expect
      .poll(() => page.getByTestId('event-log-status').textContent(), { timeout: 30_000 })
      .toMatch(/^Playing: a sample of the stream; [1-9][\d,]* events dropped so far/);
    await page
      .locator('.event-log')
      .screenshot({ path: `${shotDir()}desktop-event-log-playing.png` });
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

const shotDir = () => new URL('../screenshots/', import.meta.url).pathname;

/**
 * The centre (viewport coordinates) of the first cell of a map whose colour is `hex`, and its
 * guest frame; the map must show one page per cell, from guest frame `from`.
 */
async function findCell(
  page: Page,
  policy: string,
  hex: string,
  from: number,
): Promise<{ x: number; y: number; gfn: number } | null> {
  const canvas = page.getByRole('img', { name: `Memory map, ${policy}` });
  return canvas.evaluate(
    (el, [colour, base]) => {
      const c = el as HTMLCanvasElement;
      const cols = Number(c.dataset.cols);
      const cell = Number(c.dataset.cell);
      const r = c.getBoundingClientRect();
      const dpr = c.width / r.width;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const n = parseInt(colour.slice(1), 16);
      const cells = Math.floor(r.height / cell) * cols;
      for (let i = 0; i < cells; i++) {
        const x = ((i % cols) + 0.5) * cell;
        const y = (Math.floor(i / cols) + 0.5) * cell;
        const o = (Math.floor(y * dpr) * c.width + Math.floor(x * dpr)) * 4;
        if (((d[o] << 16) | (d[o + 1] << 8) | d[o + 2]) === n)
          return { x: r.left + x, y: r.top + y, gfn: base + i };
      }
      return null;
    },
    [hex, from] as const,
  );
}

describe('the page inspector', () => {
  it('explains a hot page always-old swapped out: the reclaim pass and kvm_age_rmapp’s answer', async () => {
    // zoomed into the classic preset's hot set (64 MB at 64 MB: gfns 16384–32767), cells of a few px
    const from = 16384;
    const { page, errors } = await openPage(lab, `/?z=${from}-${from + 8192}`);
    await page.getByRole('img', { name: 'Memory map, always-old' }).waitFor();
    await expect.poll(() => page.getByTestId('pages-per-cell-0').textContent()).toMatch(/exact/);
    await playUntil(page, 12);
    await page.getByRole('radio', { name: /belief/i }).click();
    const hotSwapped = lensColours('belief')[4];
    // Only a few of these 8,192 pages are hot and swapped out at any one moment (and the lens
    // refreshes "hot" once a second): step a simulated second at a time until one shows.
    let cell: Awaited<ReturnType<typeof findCell>> = null;
    for (let tries = 0; tries < 20 && !cell; tries++) {
      for (let k = 0; k < 6 && !cell; k++) {
        cell = await findCell(page, 'always-old', hotSwapped, from);
        if (!cell) await page.waitForTimeout(500);
      }
      if (!cell) {
        const t = await simTime(page);
        await page.getByRole('button', { name: 'Step one second' }).click();
        await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(t);
      }
    }
    expect(
      cell,
      'a hot page swapped out on the always-old map within 20 simulated seconds',
    ).not.toBeNull();
    const { x, y, gfn } = cell!;
    await page.mouse.click(x, y);
    const inspector = page.getByRole('region', { name: 'Page inspector' });
    await expect
      .poll(() => inspector.getByTestId('inspector-gfn').textContent())
      .toBe(`gfn ${gfn.toLocaleString('en-US')}`);
    // the whole run so far (12 s < 120 s), so the swap-out is in the window
    await inspector.getByLabel('History window').selectOption('120');
    const older = inspector.locator('article[data-policy="always-old"]');
    await older.waitFor({ timeout: 60_000 });
    const chain = (await older.getByRole('list').textContent()) ?? '';
    expect(chain).toMatch(/reclaim pass \d+/);
    expect(chain).toMatch(/kvm_age_rmapp answered old, as it does for every page under always-old/);
    expect(chain).toMatch(/wrote it out \(pageout\)/);
    expect(await older.getByTestId('cold-sentence').textContent()).toMatch(
      /^The host took this page for cold while the guest was using it: in reclaim pass \d+/,
    );
    // the same page in the other run of the comparison
    expect(await inspector.locator('article[data-policy="unmap-emulation"]').count()).toBe(1);
    await inspector.screenshot({ path: `${shotDir()}desktop-page-inspector.png` });
    await page.locator('section.explain').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shotDir()}desktop-explain.png` });
    console.log(`inspector, always-old, gfn ${gfn}:\n${await older.textContent()}`);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the kernel code panel', () => {
  it('highlights a different kvm_age_rmapp branch per policy after one aging step', async () => {
    const { page, errors } = await openPage(lab);
    await page.getByRole('checkbox', { name: 'ept-ad-bits' }).check();
    await expect.poll(() => page.locator('section.column').count(), { timeout: 20_000 }).toBe(3);
    await page.getByRole('img', { name: 'Memory map, ept-ad-bits' }).waitFor();
    await settled(page);
    const panel = page.getByRole('region', { name: 'Kernel code' });
    await stepAging(page);
    for (const p of ['always-old', 'unmap-emulation', 'ept-ad-bits'])
      await panel.getByTestId(`branch-${p}`).waitFor({ timeout: 30_000 });
    const line = (p: string) => panel.getByTestId(`branch-${p}`).getAttribute('data-line');
    expect(await line('always-old')).toBe('age-2.6.33:ret0');
    expect(await line('unmap-emulation')).toBe('age-2.6.34:unmap');
    expect(await line('ept-ad-bits')).toMatch(/^age-2\.6\.34:abit/);
    // the code itself carries the highlight, with the gfn it was taken for
    const ret0 = panel.locator('.code-line[data-line="age-2.6.33:ret0"]');
    expect(await ret0.getAttribute('data-taken')).toBe('always-old');
    expect(await ret0.textContent()).toBe('        return 0;');
    expect(
      await panel.locator('.code-line[data-line="age-2.6.33:ret0"] + .taken-note').textContent(),
    ).toMatch(/always-old, gfn [\d,]+: old/);
    expect(
      await panel.locator('.code-line[data-line="age-2.6.34:unmap"]').getAttribute('data-taken'),
    ).toContain('unmap-emulation');
    await panel.screenshot({ path: `${shotDir()}desktop-kernel-code.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('on a 390 px phone', () => {
  it('the explain panels stack without horizontal scroll', async () => {
    const { page } = await openPage(lab, '/', PHONE);
    await stepAging(page);
    await expect.poll(() => logCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.locator('.log-row').first().click();
    const inspector = page.getByRole('region', { name: 'Page inspector' });
    await inspector.locator('article').first().waitFor({ timeout: 60_000 });
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.locator('.event-log').screenshot({ path: `${shotDir()}phone-event-log.png` });
    await inspector.screenshot({ path: `${shotDir()}phone-page-inspector.png` });
    await page
      .getByRole('region', { name: 'Kernel code' })
      .screenshot({ path: `${shotDir()}phone-kernel-code.png` });
    await shot(page, 'phone-explain');
    // keyboard: a focused map moves its hovered cell with the arrows and Enter selects its page
    const map = page.getByRole('img', { name: 'Memory map, always-old' });
    await map.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => inspector.getByTestId('inspector-gfn').textContent()).toBe('gfn 0');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    // the next cell: its first frame is one cell's worth of pages further
    await expect
      .poll(async () =>
        Number((await inspector.getByTestId('inspector-gfn').textContent())?.replace(/\D/g, '')),
      )
      .toBeGreaterThan(0);
    await page.context().close();
  });
});
