import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHONE,
  figures,
  mapPixels,
  openPage,
  playUntil,
  settled,
  timeIs,
  timelineKeys,
  shot,
  simTime,
  startLab,
  stopLab,
  type Lab,
} from './support.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await stopLab(lab);
});

const noHorizontalScroll = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('the first screen', () => {
  it('shows the classic comparison ready to play, says what it is, and plays with one click', async () => {
    const { page, errors } = await openPage(lab);
    await expect
      .poll(() => page.locator('section.column h2').allTextContents())
      .toEqual(['always-old', 'unmap-emulation']);
    await expect.poll(() => page.locator('.intro').textContent()).toMatch(/Press Play/);
    expect(await page.getByRole('checkbox', { name: 'ept-ad-bits' }).isChecked()).toBe(false);
    for (const name of [
      'Scenario',
      'Policies',
      'Seed',
      'Speed',
      'Lens',
      'cgroup limit',
      'Hot set',
      'THP',
      'khugepaged',
    ])
      expect(await page.getByLabel(name, { exact: true }).count(), name).toBeGreaterThan(0);
    for (const name of ['Copy link', 'Export CSV', 'Export PNG'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(1);
    await page.getByRole('img', { name: 'Memory map, always-old' }).waitFor();
    await expect.poll(async () => (await mapPixels(page, 'always-old')).colours).toBeGreaterThan(1);
    await shot(page, 'desktop-first-open');

    const before = await mapPixels(page, 'always-old');
    const t0 = await simTime(page);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(t0 + 1);
    await expect.poll(async () => (await mapPixels(page, 'always-old')).hash).not.toBe(before.hash);
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('on a 390 px phone the columns stack and nothing scrolls sideways', async () => {
    const { page } = await openPage(lab, '/', PHONE);
    await page.getByRole('img', { name: 'Memory map, unmap-emulation' }).waitFor();
    expect(await noHorizontalScroll(page)).toBe(true);
    const [a, b] = await page
      .locator('section.column')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    expect(b).toBeGreaterThan(a);
    await shot(page, 'phone-first-open');
    // the phone's map holds fewer cells than the guest has pages; zooming in makes it exact
    const ppc = page.getByTestId('pages-per-cell-0');
    expect(await ppc.textContent()).toMatch(/^[\d.]+ pages per cell/);
    const phoneMap = page.getByRole('img', { name: 'Memory map, always-old' });
    await phoneMap.scrollIntoViewIfNeeded();
    const box = (await phoneMap.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300);
    await expect.poll(() => ppc.textContent()).toBe('1 page per cell (exact)');
    await page.getByRole('button', { name: 'show all' }).first().click();
    await expect.poll(() => ppc.textContent()).toMatch(/pages per cell/);
    await playUntil(page, 15);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, 'phone-playing');
    await page.context().close();
  });
});

describe('the comparison', () => {
  it('after the same simulated time always-old swaps out hot pages and faults more; the patch pays in EPT violations', async () => {
    const { page } = await openPage(lab);
    // past boot (the first 10 s fill the cgroup under every policy), over 50 simulated seconds:
    // the timeline seeks there (two pages of 5 s, then End = the scenario's 60 s)
    await timelineKeys(page, ['PageUp']);
    await timeIs(page, 5);
    await timelineKeys(page, ['PageUp']);
    await timeIs(page, 10);
    const start = [await figures(page, 0), await figures(page, 1)];
    await timelineKeys(page, ['End']);
    await timeIs(page, 60);
    const end = [await figures(page, 0), await figures(page, 1)];
    const [old, patch] = end.map((f, r) =>
      Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v - start[r][k]])),
    );
    expect(old.sim_hot_pages_swapped_out).toBeGreaterThan(patch.sim_hot_pages_swapped_out);
    expect(old.pgmajfault).toBeGreaterThan(patch.pgmajfault);
    expect(patch.pf_fixed).toBeGreaterThan(old.pf_fixed);
    // the column head shows the difference to the first column
    await expect
      .poll(() =>
        page.locator('section.column[data-run="1"] [data-figure="pf_fixed"] .delta').textContent(),
      )
      .toMatch(/^\+\d/);
    await shot(page, 'desktop-playing-comparison');

    // every chart received data: its text alternative states a latest value for every run
    const summaries = await page
      .locator('[role="img"][aria-label$=" chart"]')
      .evaluateAll((els) =>
        els.map(
          (e) =>
            `${e.getAttribute('aria-label')}: ${document.getElementById(e.getAttribute('aria-describedby') ?? '')?.textContent ?? ''}`,
        ),
      );
    expect(summaries.length).toBeGreaterThanOrEqual(7);
    for (const s of summaries) {
      expect(s).not.toMatch(/no data/);
      expect(s).toMatch(/always-old .* at .*unmap-emulation .* at /);
    }
    for (const name of [
      'EPT violations/s chart',
      'Major faults/s chart',
      'cgroup usage vs limit chart',
    ])
      expect(
        summaries.some((s) => s.startsWith(name)),
        name,
      ).toBe(true);

    // each lens draws differently
    const hashes = new Set<number>();
    for (const [key, lens] of [
      ['1', 'residency'],
      ['2', 'lru'],
      ['3', 'belief'],
      ['4', 'heat'],
      ['5', 'huge'],
      ['6', 'difference'],
    ]) {
      await page.keyboard.press(key);
      await expect
        .poll(() => page.getByRole('radio', { checked: true }).textContent())
        .toContain(
          {
            residency: 'Residency',
            lru: 'LRU',
            belief: 'Belief',
            heat: 'Heat',
            huge: 'Hugepages',
            difference: 'Difference',
          }[lens]!,
        );
      await expect
        .poll(async () => hashes.has((await mapPixels(page, 'always-old')).hash), {
          timeout: 10_000,
        })
        .toBe(false);
      hashes.add((await mapPixels(page, 'always-old')).hash);
      await shot(page, `desktop-lens-${lens}`);
    }
    expect(hashes.size).toBe(6);
    expect(page.url()).toContain('lens=difference');

    // zoom (wheel over the map) changes the pages per cell, in every column, and the URL
    await page.keyboard.press('1');
    const ppc = page.getByTestId('pages-per-cell-1');
    // the caption quotes the server's viewport reply: poll, the map may still be settling its size
    await expect.poll(() => ppc.textContent(), { timeout: 15_000 }).toMatch(/1 page per cell/);
    const map = page.getByRole('img', { name: 'Memory map, always-old' });
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -300);
    await expect.poll(() => page.url()).toMatch(/z=\d+-\d+/);
    await expect
      .poll(() => page.getByTestId('map-scale-1').textContent())
      .not.toContain('(256 MiB)');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('.map-hovertext').first().textContent()).toMatch(/gfn \d/);
    await shot(page, 'desktop-zoomed-map');
    await page.locator('.charts').scrollIntoViewIfNeeded();
    await page
      .locator('.charts')
      .screenshot({ path: `${(await import('./support.ts')).shotsDir}desktop-charts.png` });
    await page.context().close();
  });

  it('seeking back and forth returns the same figures', async () => {
    const { page } = await openPage(lab);
    await playUntil(page, 8);
    const at = await simTime(page);
    const here = [await figures(page, 0), await figures(page, 1)];
    await page.keyboard.press('[');
    await expect.poll(() => simTime(page)).toBeCloseTo(at - 1, 5);
    await settled(page);
    expect((await figures(page, 0)).pgmajfault).toBeLessThanOrEqual(here[0].pgmajfault);
    await page.keyboard.press(']');
    await expect.poll(() => simTime(page)).toBeCloseTo(at, 5);
    await settled(page);
    await expect.poll(() => figures(page, 0)).toEqual(here[0]);
    await expect.poll(() => figures(page, 1)).toEqual(here[1]);
    await page.context().close();
  });
});
