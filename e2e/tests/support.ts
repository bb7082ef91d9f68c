import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apps/server/src/app.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../apps/server/src/chromium.ts';
import { DEFAULT_CONFIG } from '../../apps/server/src/config.ts';

/**
 * The real server (in-process, on a port of its own) and Debian's Chromium, for the dashboard's
 * browser tests. Screenshots go to e2e/screenshots/ (ignored by git).
 */
export const webDist = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
export const shotsDir = fileURLToPath(new URL('../screenshots/', import.meta.url));

export interface Lab {
  base: string;
  port: number;
  app: FastifyInstance | null;
  browser: Browser;
}

export async function startServer(port = 0): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildApp(
    { ...DEFAULT_CONFIG, port, host: '127.0.0.1', webDist },
    { logger: false },
  );
  await app.listen({ port, host: '127.0.0.1' });
  const addr = app.server.address();
  return { app, port: typeof addr === 'object' && addr ? addr.port : port };
}

export async function startLab(): Promise<Lab> {
  if (!existsSync(`${webDist}/index.html`))
    throw new Error(
      'apps/web/dist is missing: run `npm run build -w apps/web` first (npm run e2e does)',
    );
  mkdirSync(shotsDir, { recursive: true });
  const { app, port } = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  return { base: `http://127.0.0.1:${port}`, port, app, browser };
}

export async function stopLab(lab: Lab | undefined): Promise<void> {
  await lab?.browser.close();
  await lab?.app?.close();
}

/** Stop the server and start a fresh one on the same port (every run it held is gone). */
export async function restartServer(lab: Lab): Promise<void> {
  await lab.app?.close();
  lab.app = (await startServer(lab.port)).app;
}

export const DESKTOP = { width: 1440, height: 1000 };
export const PHONE = { width: 390, height: 844 };

export async function openPage(
  lab: Lab,
  path = '/',
  viewport = DESKTOP,
  context?: BrowserContext,
): Promise<{ page: Page; errors: string[] }> {
  const ctx = context ?? (await lab.browser.newContext({ viewport }));
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (process.env.DEBUG_WS)
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => console.log('>>', f.payload));
      ws.on(
        'framereceived',
        (f) =>
          typeof f.payload === 'string' &&
          !f.payload.includes('welcome') &&
          console.log('<<', f.payload.slice(0, 300)),
      );
    });
  await page.goto(lab.base + path);
  await driving(page);
  return { page, errors };
}

/** Wait until the page is connected and drives its run. */
export async function driving(page: Page): Promise<void> {
  await page
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: 'you drive' })
    .waitFor({ timeout: 20_000 });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${shotsDir}${name}.png`, fullPage: true });
}

export async function simTime(page: Page): Promise<number> {
  return Number(await page.getByLabel('Simulated time').getAttribute('data-time'));
}

/** A headline figure of one column (by its kernel name). */
export async function figure(page: Page, run: number, name: string): Promise<number> {
  const v = await page
    .locator(`section.column[data-run="${run}"] [data-figure="${name}"]`)
    .getAttribute('data-value');
  return v === null || v === '' ? NaN : Number(v);
}

export async function figures(page: Page, run: number): Promise<Record<string, number>> {
  return page
    .locator(`section.column[data-run="${run}"] [data-figure]`)
    .evaluateAll((els) =>
      Object.fromEntries(
        els.map((e) => [e.getAttribute('data-figure'), Number(e.getAttribute('data-value'))]),
      ),
    );
}

/** A fingerprint of a map canvas's pixels, and how many colours it uses. */
export async function mapPixels(
  page: Page,
  policy: string,
): Promise<{ hash: number; colours: number }> {
  return page.getByRole('img', { name: `Memory map, ${policy}` }).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) {
      const v = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      seen.add(v);
      h = Math.imul(h ^ v, 16777619);
    }
    return { hash: h >>> 0, colours: seen.size };
  });
}

/** Count pixels of an exact colour (#rrggbb) on a map canvas. */
export async function pixelsOf(page: Page, policy: string, hex: string): Promise<number> {
  return page.getByRole('img', { name: `Memory map, ${policy}` }).evaluate((el, colour) => {
    const n = parseInt(colour.slice(1), 16);
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let k = 0;
    for (let i = 0; i < d.length; i += 4)
      if (((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) === n) k++;
    return k;
  }, hex);
}

/** Play at a speed until the simulated time reaches t, then pause; returns the time paused at. */
export async function playUntil(page: Page, t: number, speed = '100'): Promise<number> {
  await page.getByLabel('Speed').selectOption(speed);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(
    (tt) =>
      Number(document.querySelector('[aria-label="Simulated time"]')?.getAttribute('data-time')) >=
      tt,
    t,
    { timeout: 60_000, polling: 100 },
  );
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await settled(page);
  return simTime(page);
}

/** Wait until the run is no longer busy and the clock stops moving. */
export async function settled(page: Page): Promise<void> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const t = await simTime(page);
    if (t === last) return;
    last = t;
    await page.waitForTimeout(150);
  }
}

/** Drive the timeline slider with its keys (each key press seeks); waits for the time to settle. */
export async function timelineKeys(page: Page, keys: string[]): Promise<number> {
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await slider.focus();
  for (const k of keys) await page.keyboard.press(k);
  await settled(page);
  return simTime(page);
}

/** Wait until the clock reads t (within a millisecond). */
export async function timeIs(page: Page, t: number): Promise<void> {
  await page.waitForFunction(
    (tt) =>
      Math.abs(
        Number(document.querySelector('[aria-label="Simulated time"]')?.getAttribute('data-time')) -
          tt,
      ) < 1e-3,
    t,
    { timeout: 60_000, polling: 100 },
  );
  await settled(page);
}
