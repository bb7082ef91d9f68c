import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  figures,
  openPage,
  playUntil,
  restartServer,
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

describe('links and the server going away', () => {
  it('a copied link reproduces the same counters at the same time, in a fresh context and after a restart; a lost server shows and recovers', async () => {
    const ctx = await lab.browser.newContext({
      viewport: { width: 1440, height: 1000 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const { page } = await openPage(lab, '/', undefined, ctx);
    await page.keyboard.press('3');
    const t = await playUntil(page, 6);
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
    await expect.poll(() => simTime(viewer)).toBeCloseTo(t, 5);
    await expect.poll(() => figures(viewer, 0)).toEqual(want[0]);
    expect(await viewer.getByRole('radio', { checked: true }).textContent()).toContain('Belief');
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
    await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeCloseTo(t, 5);
    await expect.poll(() => figures(page, 0), { timeout: 20_000 }).toEqual(want[0]);

    // after the restart the old link (its run is gone) rebuilds the same run at the same time
    const fresh = await lab.browser.newContext();
    const again = await fresh.newPage();
    await again.goto(link);
    await again
      .getByRole('status', { name: 'Connection' })
      .filter({ hasText: 'you drive' })
      .waitFor({ timeout: 20_000 });
    await expect.poll(() => simTime(again), { timeout: 20_000 }).toBeCloseTo(t, 5);
    await expect.poll(() => figures(again, 0)).toEqual(want[0]);
    await expect.poll(() => figures(again, 1)).toEqual(want[1]);
    await fresh.close();
    await ctx.close();
  });
});
