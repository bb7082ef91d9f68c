import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apps/server/src/app.ts';
import { DEFAULT_CONFIG } from '../../apps/server/src/config.ts';

const webDist = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
const screenshot = fileURLToPath(new URL('../screenshots/dashboard.png', import.meta.url));

let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(`${webDist}/index.html`))
    throw new Error(
      'apps/web/dist is missing: run `npm run build -w apps/web` first (npm run e2e does)',
    );
  app = await buildApp(
    { ...DEFAULT_CONFIG, port: 0, host: '127.0.0.1', webDist },
    { logger: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The numbers in one counter row, one per policy. */
async function row(page: Page, counter: string): Promise<number[]> {
  const cells = await page.locator(`[data-counter="${counter}"] td.num`).allTextContents();
  return cells.map((c) => Number(c.replace(/[^0-9.-]/g, '')));
}

describe('the dashboard', () => {
  it('creates a classic comparison, plays it, and shows the counters moving per policy', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    await page.getByRole('button', { name: 'Play' }).waitFor();
    expect(page.url()).toMatch(/\?run=/);
    await expect
      .poll(() => page.locator('figcaption').allTextContents())
      .toEqual(['always-old', 'unmap-emulation', 'ept-ad-bits']);
    expect(await page.locator('.role').textContent()).toBe('you drive');

    await page.getByLabel('speed').selectOption('100');
    await page.getByRole('button', { name: 'Play' }).click();
    // Swap-outs start as soon as the cgroup fills at boot...
    await expect
      .poll(async () => (await row(page, 'pswpout'))[0], { timeout: 30_000 })
      .toBeGreaterThan(1000);
    // ...and, some simulated seconds later, always-old starts swapping out pages of the hot set.
    await expect
      .poll(async () => (await row(page, 'sim_hot_pages_swapped_out'))[0], { timeout: 40_000 })
      .toBeGreaterThan(100);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Play' }).waitFor();

    const hotOut = await row(page, 'sim_hot_pages_swapped_out');
    const faults = await row(page, 'pgmajfault');
    const rmapAdds = await row(page, 'sim_rmap_add');
    // The patch's story: only always-old (no accessed information at all) takes hot pages for cold.
    expect(hotOut[1]).toBe(0);
    expect(hotOut[2]).toBe(0);
    expect(faults.every((f) => f > 100)).toBe(true);
    // Unmap emulation pays in EPT faults instead: it re-maps what it unmapped to learn the bit.
    expect(rmapAdds[1]).toBeGreaterThan(rmapAdds[2]);
    // A knob turned while paused is recorded and shown.
    await page.getByLabel('cgroup limit').selectOption('96');
    await page.locator('.knoblog').filter({ hasText: 'limitMiB = 96' }).waitFor();
    const clock = await page.getByTestId('clock').textContent();
    expect(clock).toMatch(/paused/);

    // The page maps have been drawn: not a single colour.
    const colours = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="pagemap-0"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(2);
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(errors).toEqual([]);

    // A second tab on the same URL without the token only watches.
    const viewer = await browser.newPage();
    await viewer.goto(`${base}/?run=${new URL(page.url()).searchParams.get('run')}`);
    await viewer.locator('.role').filter({ hasText: 'watching' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Play' }).count()).toBe(0);
    await expect.poll(async () => (await row(viewer, 'pgmajfault'))[0]).toBe(faults[0]);
  });
});
