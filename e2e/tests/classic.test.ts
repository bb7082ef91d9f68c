import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { runClassic } from '@agelab/sim-core';
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

const beladyGz = fileURLToPath(
  new URL('../../packages/sim-core/testdata/pages/belady.txt.gz', import.meta.url),
);

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** The classic view's tab panel (the dashboard stays mounted, hidden, beside it). */
const view = (page: Page) => page.locator('#view-classic');

/** The faults the summary table shows for a policy. */
const faults = (page: Page, policy: string) =>
  view(page)
    .getByRole('region', { name: 'Faults per policy' })
    .locator(`tr[data-policy="${policy}"]`)
    .getAttribute('data-faults')
    .then(Number);

async function openClassic(viewport?: typeof PHONE): Promise<Page> {
  const { page } = await openPage(lab, '/', viewport);
  await page.getByRole('tab', { name: 'Classic replacement' }).click();
  await view(page).getByRole('region', { name: 'Faults per policy' }).waitFor();
  return page;
}

/** Replay at a frame count; waits until the summary is of `what` at that count. */
async function replayWith(page: Page, frames: number, what = "Belady's anomaly"): Promise<void> {
  await view(page).getByLabel('Frames', { exact: true }).fill(String(frames));
  await view(page).getByRole('button', { name: 'Replay' }).click();
  const title = view(page).getByRole('region', { name: 'Faults per policy' }).locator('h3');
  await expect.poll(() => title.textContent()).toMatch(new RegExp(`^${what}:.* ${frames} frames$`));
}

describe('the classic replacement view', () => {
  it("shows Belady's anomaly: FIFO faults 9 times with 3 frames and 10 times with 4", async () => {
    const page = await openClassic();
    expect(await view(page).getByLabel('Preset', { exact: true }).inputValue()).toBe('belady');
    await replayWith(page, 3);
    expect(await faults(page, 'fifo')).toBe(9);
    // the textbook grid for each policy, with its count in its accessible name
    await view(page)
      .getByRole('img', { name: /^Frames over the reference string, FIFO: 9 faults in 12/ })
      .waitFor();
    // the fault curve rises from 3 to 4 frames for FIFO, and says so
    await expect
      .poll(() => view(page).getByRole('list', { name: 'Where a curve rises' }).textContent())
      .toContain('FIFO faults more with 4 frames (10) than with 3 (9)');
    await shot(page, 'classic-desktop');
    await replayWith(page, 4);
    expect(await faults(page, 'fifo')).toBe(10);
    // LRU and OPT are stack algorithms: more frames never cost them a fault
    expect(await faults(page, 'lru')).toBe(8);
    expect(await faults(page, 'opt')).toBe(6);
    await page.context().close();
  });

  it('replays an uploaded gzip trace and shows its fault counts', async () => {
    const page = await openClassic();
    await view(page).getByLabel('A trace file').check();
    await view(page).getByLabel('Trace file', { exact: true }).setInputFiles(beladyGz);
    await replayWith(page, 3, 'belady.txt.gz');
    expect(
      await view(page).getByRole('region', { name: 'Faults per policy' }).textContent(),
    ).toContain('belady.txt.gz: 12 references');
    expect(await faults(page, 'fifo')).toBe(9);
    expect(await faults(page, 'opt')).toBe(7);
    expect(await view(page).getByText('gzip-compressed').count()).toBe(1);
    await page.context().close();
  });

  it('a long uploaded trace: counts the same as the simulator, and its fault curve over 1 to 40 frames', async () => {
    // 30,000 references over 48 pages: a loop with a drifting hot set (deterministic)
    const refs = Uint32Array.from({ length: 30_000 }, (_, i) =>
      i % 3 === 0 ? (i * 7) % 48 : (Math.floor(i / 500) + (i % 5)) % 48,
    );
    const gz = gzipSync(Array.from(refs).join('\n') + '\n');
    const page = await openClassic();
    await view(page).getByLabel('A trace file').check();
    await view(page)
      .getByLabel('Trace file', { exact: true })
      .setInputFiles({ name: 'long.txt.gz', mimeType: 'application/gzip', buffer: gz });
    await view(page).getByLabel('Fault curve from').fill('1');
    await view(page).getByLabel('Fault curve to').fill('40');
    await replayWith(page, 12, 'long.txt.gz');
    for (const p of ['fifo', 'lru', 'opt'] as const)
      expect(await faults(page, p), p).toBe(runClassic(p, refs, 12).faults);
    const curve = view(page).getByRole('img', { name: /^Fault curve, frames 1 to 40: / });
    await curve.waitFor();
    const name = (await curve.getAttribute('aria-label'))!;
    const fifo = /FIFO ([\d, ]+);/.exec(name)![1].split(', ').map(Number);
    expect(fifo).toHaveLength(40);
    expect(fifo[11]).toBe(runClassic('fifo', refs, 12).faults);
    await shot(page, 'classic-long-trace');
    await page.context().close();
  });

  it('shows an upload progress bar while a large file goes up (upload throttled to 200 kB/s)', async () => {
    const refs = Uint32Array.from(
      { length: 100_000 },
      (_, i) => (Math.imul(i, 2654435761) >>> 15) % 5000,
    );
    const text = Buffer.from(Array.from(refs).join('\n') + '\n');
    const page = await openClassic();
    await view(page).getByLabel('A trace file').check();
    await view(page)
      .getByLabel('Trace file', { exact: true })
      .setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: text });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 200_000,
    });
    await view(page).getByRole('button', { name: 'Replay' }).click();
    const bar = view(page).getByRole('progressbar', { name: 'Upload progress' });
    // part of the file sent, not all of it: the bar moves with the upload
    await expect
      .poll(async () => {
        const [v, max] = await Promise.all([bar.getAttribute('value'), bar.getAttribute('max')]);
        return Number(v) > 0 && Number(v) < Number(max);
      })
      .toBe(true);
    expect(await bar.getAttribute('max')).toBe(String(text.length));
    const title = view(page).getByRole('region', { name: 'Faults per policy' }).locator('h3');
    await expect.poll(() => title.textContent(), { timeout: 60_000 }).toMatch(/^big\.txt: 100,000/);
    expect(await faults(page, 'fifo')).toBe(runClassic('fifo', refs, 3).faults);
    await page.context().close();
  });

  it('refuses a malformed file with the line that is wrong, shown at the file field', async () => {
    const page = await openClassic();
    await view(page).getByLabel('A trace file').check();
    const input = view(page).getByLabel('Trace file', { exact: true });
    await input.setInputFiles({
      name: 'bad.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('# pages\n1\n2\nthree\n4\n'),
    });
    await view(page).getByRole('button', { name: 'Replay' }).click();
    const alert = view(page).getByRole('alert').filter({ hasText: 'line 4' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^line 4: .*"three"/);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    // the field points at its error, so a screen reader reads it with the field
    const described = await input.getAttribute('aria-describedby');
    expect(await alert.getAttribute('id')).toBe(described);
    await shot(page, 'classic-bad-file');

    // a typed string's bad reference is named by its position, at the text field
    await view(page).getByLabel('Typed').check();
    await view(page).getByLabel('Pages referenced, in order').fill('1 2 x 3');
    await view(page).getByRole('button', { name: 'Replay' }).click();
    await view(page).getByRole('alert').filter({ hasText: 'reference 3' }).waitFor();
    await page.context().close();
  });

  it('on a 390 px phone the grid and the curve fit without sideways scroll', async () => {
    const page = await openClassic(PHONE);
    await view(page).getByLabel('Preset', { exact: true }).selectOption('silberschatz');
    await expect.poll(() => faults(page, 'opt')).toBe(9);
    expect(await faults(page, 'lru')).toBe(12);
    expect(await faults(page, 'fifo')).toBe(15);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, 'classic-phone');
    await page.context().close();
  });
});
