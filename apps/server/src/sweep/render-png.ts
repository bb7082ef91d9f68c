import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS } from '../chromium.ts';

/** Where Debian's chromium is; `AGELAB_CHROMIUM` overrides. */
export const chromiumPath = (env: Record<string, string | undefined> = process.env): string =>
  env.AGELAB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Render an SVG file to a PNG with headless Chromium's own screenshot (no browser driver). The
 * flags keep it from reaching for the network, which a closed machine refuses noisily.
 */
export function renderSvgToPng(
  svgFile: string,
  pngFile: string,
  width: number,
  height: number,
): void {
  const chromium = chromiumPath();
  if (!existsSync(chromium))
    throw new Error(
      `no chromium at ${chromium} (apt-get install -y chromium, or set AGELAB_CHROMIUM)`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'agelab-chromium-'));
  try {
    const r = spawnSync(
      chromium,
      [
        ...CHROMIUM_ARGS,
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        `--screenshot=${resolve(pngFile)}`,
        pathToFileURL(resolve(svgFile)).href,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0 || !existsSync(pngFile))
      throw new Error(`chromium failed (${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-500)}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
