import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  PHONE,
  driving,
  figure,
  figures,
  openPage,
  playUntil,
  restartServer,
  settled,
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

describe('keyboard and controls', () => {
  it('space plays and pauses, → steps, ? shows the shortcuts', async () => {
    const { page } = await openPage(lab);
    await page.locator('h1').click();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Play' }).waitFor();
    await settled(page);
    const t = await simTime(page);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeCloseTo(t + 1, 5);
    const refs = Number(await page.getByLabel('Simulated time').getAttribute('data-time'));
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(refs);
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('play / pause');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // exports: the counter history as CSV, the maps as PNG
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    expect(readFileSync((await csv.path())!, 'utf8')).toMatch(/^time_s,ref_index,policy,/);
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    expect(
      readFileSync((await png.path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    await page.context().close();
  });

  it('a knob applies on release, not on every arrow-key step, and is recorded', async () => {
    const { page } = await openPage(lab);
    const before = new URL(page.url()).searchParams.get('d');
    const limit = page.getByLabel('cgroup limit', { exact: true });
    await limit.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('ol.knoblog li').count()).toBe(0);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('ol.knoblog li').allTextContents())
      .toEqual([expect.stringMatching(/limitMiB = 104/)]);
    // the link's descriptor now carries the knob log (a rebuilt run replays it)
    await expect.poll(() => new URL(page.url()).searchParams.get('d')).not.toBe(before);
    await page.context().close();
  });

  it('an invalid scenario file shows the server’s message at the field it names', async () => {
    const { page } = await openPage(lab);
    await page.getByRole('button', { name: 'Edit…' }).click();
    const field = page.locator('[data-field="host.memcgLimitMiB"]');
    await field.locator('input').fill('0');
    await page.getByRole('button', { name: 'Run this scenario' }).click();
    await expect.poll(() => field.locator('.field-error').textContent()).toMatch(/\S/);
    expect(await field.locator('input').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'desktop-scenario-error');
    await page.context().close();
  });

  it('the classic-thp preset shows hugepage splits on the hugepage lens under always-old', async () => {
    const { page } = await openPage(lab);
    await page.getByLabel('Scenario').selectOption('classic-thp');
    await expect
      .poll(() => page.locator('.scenario-description').textContent())
      .toMatch(/hugepages/);
    await driving(page);
    await page.keyboard.press('5');
    await playUntil(page, 30);
    expect(await figure(page, 0, 'thp_split_page')).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('.map-summary').first().textContent())
      .toMatch(/in a split THP/);
    await shot(page, 'desktop-thp-splits');
    await page.setViewportSize(PHONE);
    await shot(page, 'phone-thp-splits');
    await page.setViewportSize(DESKTOP);
    await page.context().close();
  });
});

// last: it stops and restarts the server
describe('links and the server going away', () => {
  it('a copied link reproduces the same counters at the same time, in a fresh context and after a restart; a lost server shows and recovers', async () => {
    const ctx = await lab.browser.newContext({
      viewport: { width: 1440, height: 1000 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const { page } = await openPage(lab, '/', undefined, ctx);
    await page.keyboard.press('3');
    const t = await playUntil(page, 5, '10');
    const want = [await figures(page, 0), await figures(page, 1)];
    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toContain('d=');
    expect(link).toContain('lens=belief');
    expect(link).not.toContain('token');

    // a fresh context (no token): joins the live run and sees the same figures
    const other = await lab.browser.newContext();
    const viewer = await other.newPage();
    await viewer.goto(link);
    await viewer
      .getByRole('status', { name: 'Connection' })
      .filter({ hasText: 'watching' })
      .waitFor();
    // the counters are a function of the reference reached: equal figures mean the same time,
    // and the clock says that time
    await expect.poll(() => figures(viewer, 0), { timeout: 40_000 }).toEqual(want[0]);
    await expect.poll(() => simTime(viewer), { timeout: 20_000 }).toBeCloseTo(t, 5);
    expect(await viewer.getByRole('radio', { checked: true }).textContent()).toContain('Belief');
    // a viewer forks the run into a sandbox of its own, at the same time, and drives it
    expect(await viewer.getByRole('button', { name: 'Play' }).isDisabled()).toBe(true);
    await viewer.getByRole('button', { name: 'Fork' }).click();
    await viewer
      .getByRole('status', { name: 'Connection' })
      .filter({ hasText: 'you drive' })
      .waitFor();
    expect(new URL(viewer.url()).searchParams.get('run')).not.toBe(
      new URL(link).searchParams.get('run'),
    );
    await expect.poll(() => simTime(viewer), { timeout: 30_000 }).toBeCloseTo(t, 5);
    await other.close();

    // the server goes away: the page says so, and "you drive" does not remain
    await lab.app?.close();
    lab.app = null;
    const conn = page.getByRole('status', { name: 'Connection' });
    await conn.filter({ hasText: 'disconnected' }).waitFor({ timeout: 15_000 });
    expect(await conn.textContent()).not.toContain('you drive');
    await restartServer(lab);
    // it recovers by itself: the run is rebuilt from its descriptor and put back at its time
    await conn.filter({ hasText: 'you drive' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => simTime(page), { timeout: 40_000 }).toBeCloseTo(t, 5);
    await expect.poll(() => figures(page, 0), { timeout: 20_000 }).toEqual(want[0]);

    // after the restart the old link (its run is gone) rebuilds the same run at the same time
    const fresh = await lab.browser.newContext();
    const again = await fresh.newPage();
    await again.goto(link);
    await again
      .getByRole('status', { name: 'Connection' })
      .filter({ hasText: 'you drive' })
      .waitFor({ timeout: 20_000 });
    await expect.poll(() => figures(again, 0), { timeout: 40_000 }).toEqual(want[0]);
    await expect.poll(() => figures(again, 1), { timeout: 20_000 }).toEqual(want[1]);
    await expect.poll(() => simTime(again), { timeout: 20_000 }).toBeCloseTo(t, 5);
    await fresh.close();
    await ctx.close();
  });
});
