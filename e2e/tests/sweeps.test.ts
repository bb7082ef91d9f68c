import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, openPage, shot, startLab, stopLab, type Lab } from './support.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await stopLab(lab);
});

/** The sweep view's tab panel (the dashboard stays mounted, hidden, beside it). */
const view = (page: Page) => page.locator('#view-sweeps');

/** The shipped quick example, cut to two limits, two seeds and 2 simulated seconds. */
const small = (seconds = 2, limits = [64, 128]) =>
  JSON.stringify(
    {
      name: 'e2e-small',
      base: 'classic',
      axes: { 'host.memcgLimitMiB': limits, seed: [1, 2] },
      policies: ['always-old', 'unmap-emulation', 'ept-ad-bits'],
      seconds,
      figures: ['slowdown', 'pswpout', 'sim_hot_pages_swapped_out'],
    },
    null,
    2,
  );

async function openSweeps(viewport?: typeof PHONE): Promise<Page> {
  const { page } = await openPage(lab, '/', viewport);
  await page.getByRole('tab', { name: 'Sweeps' }).click();
  const text = view(page).getByLabel('Sweep definition (JSON)');
  // the quick example is there to start from
  await expect.poll(() => text.inputValue()).toContain('"classic-limit-quick"');
  return page;
}

async function runSmall(page: Page, seconds = 2): Promise<void> {
  await view(page).getByLabel('Sweep definition (JSON)').fill(small(seconds));
  await view(page).getByRole('button', { name: 'Run sweep' }).click();
  await view(page).getByRole('table', { name: 'Sweep table' }).waitFor({ timeout: 60_000 });
}

describe('the sweep view', () => {
  it('runs a small sweep: progress, then the chart and the table show its values', async () => {
    const page = await openSweeps();
    await runSmall(page);
    expect(await view(page).getByRole('status', { name: 'Sweep status' }).textContent()).toMatch(
      /^12 of 12 runs/,
    );
    expect(
      await view(page).getByRole('progressbar', { name: 'Sweep progress' }).getAttribute('value'),
    ).toBe('12');
    // a value per limit and policy, each a slowdown of at least 1
    const cells = view(page).locator('td[data-policy]');
    expect(await cells.count()).toBe(6);
    const values = (
      await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-value')))
    ).map(Number);
    for (const v of values) expect(v).toBeGreaterThanOrEqual(1);
    // at the tightest limit, always-old slows the guest more than with the patch
    const at = (policy: string, x: number) =>
      view(page)
        .locator(`td[data-policy="${policy}"][data-x="${x}"]`)
        .getAttribute('data-value')
        .then(Number);
    expect(await at('always-old', 64)).toBeGreaterThan(await at('unmap-emulation', 64));
    // the chart: a line and a band per policy
    const chart = view(page).getByRole('img', { name: /^slowdown against host\.memcgLimitMiB/ });
    await chart.waitFor();
    expect(await chart.locator('path.line').count()).toBe(3);
    expect(await chart.locator('path.band').count()).toBe(3);
    // another figure redraws both
    await view(page).getByLabel('Figure').selectOption('pswpout');
    await view(page)
      .getByRole('img', { name: /^pswpout against/ })
      .waitFor();
    // the results download as the same files the command line writes
    const href = await view(page)
      .getByRole('link', { name: 'Download runs.csv' })
      .getAttribute('href');
    const csv = await page.evaluate((u) => fetch(u!).then((r) => r.text()), href);
    expect(csv.split('\n')[0]).toBe(
      'run,cell,host.memcgLimitMiB,seed,policy,slowdown,pswpout,sim_hot_pages_swapped_out',
    );
    await view(page).getByLabel('Figure').selectOption('slowdown');
    await shot(page, 'sweeps-desktop');
    await page.context().close();
  });

  it('refuses a bad sweep at the text field, with the field and the allowed range', async () => {
    const page = await openSweeps();
    const text = view(page).getByLabel('Sweep definition (JSON)');
    await text.fill(small(2, [64, 0.1]));
    await view(page).getByRole('button', { name: 'Run sweep' }).click();
    const alert = view(page).getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/host\.memcgLimitMiB.*0\.1.*minimum/);
    expect(await text.getAttribute('aria-invalid')).toBe('true');
    // and text that is not JSON, by its line and column
    await text.fill('{\n  "name": "x",\n  oops\n}');
    await view(page).getByRole('button', { name: 'Run sweep' }).click();
    await expect.poll(() => alert.textContent()).toMatch(/^line 3, column 3/);
    await page.context().close();
  });

  it('on a 390 px phone the chart and the table stack without sideways scroll', async () => {
    const page = await openSweeps(PHONE);
    await runSmall(page, 1);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    await shot(page, 'sweeps-phone');
    await page.context().close();
  });
});
