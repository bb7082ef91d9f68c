import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';

const belady = fileURLToPath(
  new URL('../../../packages/sim-core/testdata/pages/belady.txt.gz', import.meta.url),
);

async function app() {
  return buildApp({ ...DEFAULT_CONFIG, webDist: '/nonexistent' }, { logger: false });
}

describe('the classic replacement API', () => {
  it("shows Belady's anomaly: FIFO faults 9 times with 3 frames and 10 with 4, and its fault curve rises", async () => {
    const a = await app();
    const res = await a.inject({
      method: 'POST',
      url: '/api/classic',
      payload: { preset: 'belady', frames: 3, curve: { from: 1, to: 5 }, record: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    const fifo = r.results.find((x: { policy: string }) => x.policy === 'fifo');
    expect(fifo.faults).toBe(9);
    expect(fifo.hits).toBe(3);
    expect(fifo.steps.faultAt.reduce((s: number, x: number) => s + x, 0)).toBe(9);
    expect(fifo.steps.frames.slice(0, 3)).toEqual([1, -1, -1]); // after the first reference
    const curve = r.curve.map((p: { frames: number; faults: Record<string, number> }) => [
      p.frames,
      p.faults.fifo,
    ]);
    expect(curve).toEqual([
      [1, 12],
      [2, 12],
      [3, 9],
      [4, 10],
      [5, 5],
    ]);
    // LRU and OPT are stack algorithms: never more faults with more frames
    for (const p of ['lru', 'opt'])
      for (let i = 1; i < r.curve.length; i++)
        expect(r.curve[i].faults[p]).toBeLessThanOrEqual(r.curve[i - 1].faults[p]);
    await a.close();
  });

  it('replays a typed string, and names the reference that is not a page', async () => {
    const a = await app();
    const ok = await a.inject({
      method: 'POST',
      url: '/api/classic',
      payload: {
        references: '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1',
        frames: 3,
        policies: ['opt', 'lru', 'fifo'],
      },
    });
    expect(ok.json().results.map((x: { faults: number }) => x.faults)).toEqual([9, 12, 15]);
    const bad = await a.inject({
      method: 'POST',
      url: '/api/classic',
      payload: { references: '1 2 x3 4', frames: 3 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'bad_trace',
      message: expect.stringMatching(/^reference 3: .*"x3"/),
    });
    await a.close();
  });

  it('replays an uploaded gzip trace, and refuses a file in a wrong format with the line that is wrong', async () => {
    const a = await app();
    const res = await a.inject({
      method: 'POST',
      url: '/api/classic/trace?frames=4&policies=fifo,lru',
      headers: { 'content-type': 'application/octet-stream' },
      payload: readFileSync(belady),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ compressed: true, references: 12, format: 'pages' });
    expect(res.json().results.map((x: { faults: number }) => x.faults)).toEqual([10, 8]);
    const wrong = await a.inject({
      method: 'POST',
      url: '/api/classic/trace?frames=4',
      headers: { 'content-type': 'application/octet-stream' },
      payload: gzipSync('1\n2\n3\nnot a page\n'),
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({
      error: 'bad_trace',
      message: expect.stringMatching(/^line 4: /),
    });
    // the line is named once, and the bad text quoted once, as `npm run sim -- replay` says it
    expect(wrong.json().message).toBe(
      'line 4: expected a page number (decimal or 0x hex), got "not a page"',
    );
    await a.close();
  });
});
