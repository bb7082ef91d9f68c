import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { importTrace } from '@agelab/sim-core';
import { TraceFileError, openTraceFile } from '../trace-file.ts';
import { runReplay } from './replay.ts';

const testdata = (rel: string): string =>
  fileURLToPath(new URL(`../../../../packages/sim-core/testdata/${rel}`, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'agelab-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function tempFile(contents: string | Uint8Array): string {
  const path = join(dir, `trace-${fileCount++}`);
  writeFileSync(path, contents);
  return path;
}

async function replay(
  ...argv: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runReplay(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { status, stdout, stderr };
}

/** key=value lines as an object. */
function fields(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
}

const BELADY = '1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n';

describe('replay on Belady’s string', () => {
  const file = tempFile(BELADY);

  it.each([
    ['fifo', 3, 9],
    ['fifo', 4, 10],
    ['lru', 3, 10],
    ['lru', 4, 8],
    ['opt', 3, 7],
    ['opt', 4, 6],
    ['clock', 3, 9],
    ['linux', 3, 10],
  ])('%s with %i frames: %i faults', async (policy, frames, faults) => {
    const r = await replay('--trace', file, '--frames', String(frames), '--policy', policy);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(fields(r.stdout)).toEqual({
      policy,
      frames: String(frames),
      references: '12',
      faults: String(faults),
      hits: String(12 - faults),
      distinctPages: '5',
    });
  });

  it('prints one JSON object with --json', async () => {
    const r = await replay('replay', '--trace', file, '--frames', '3', '--policy', 'opt', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      policy: 'opt',
      frames: 3,
      references: 12,
      faults: 7,
      hits: 5,
      distinctPages: 5,
    });
  });

  it('reads the checked-in gzip sample the same as the plain one', async () => {
    for (const name of ['pages/belady.txt', 'pages/belady.txt.gz']) {
      const r = await replay(
        '--trace',
        testdata(name),
        '--frames',
        '4',
        '--policy',
        'fifo',
        '--format',
        'pages',
      );
      expect(fields(r.stdout)).toMatchObject({ faults: '10', references: '12' });
    }
  });
});

describe('replay usage errors (status 2, valid values listed)', () => {
  const file = tempFile(BELADY);

  it.each([
    [['--frames', '3', '--policy', 'lru'], '--trace FILE is required'],
    [
      ['--trace', file, '--frames', '3'],
      '--policy is required: one of fifo, lru, opt, clock, linux',
    ],
    [
      ['--trace', file, '--frames', '3', '--policy', 'mru'],
      '--policy must be one of fifo, lru, opt, clock, linux, linux-always-old, got "mru"',
    ],
    [['--trace', file, '--policy', 'lru'], '--frames N is required'],
    [
      ['--trace', file, '--frames', '0', '--policy', 'lru'],
      '--frames must be an integer from 1 to',
    ],
    [
      ['--trace', file, '--frames', '2.5', '--policy', 'lru'],
      '--frames must be an integer from 1 to',
    ],
    [
      ['--trace', file, '--frames', '3', '--policy', 'lru', '--format', 'csv'],
      '--format must be one of auto, pages, lackey, got "csv"',
    ],
    [['--trace', file, '--frames', '3', '--policy', 'lru', '--bogus'], "Unknown option '--bogus'"],
  ])('%j', async (argv, message) => {
    const r = await replay(...argv);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: npm run sim -- replay');
  });

  it('prints the usage with --help', async () => {
    const r = await replay('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--policy NAME');
  });
});

describe('replay trace errors (status 1, the message says what and where)', () => {
  const run = (path: string, ...more: string[]) =>
    replay('--trace', path, '--frames', '3', '--policy', 'lru', ...more);

  it('a missing file', async () => {
    const r = await run(join(dir, 'no-such-trace'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`replay: trace file not found: ${join(dir, 'no-such-trace')}\n`);
  });

  it('a directory', async () => {
    expect((await run(dir)).stderr).toContain('trace file is a directory');
  });

  it('a malformed line', async () => {
    const path = tempFile('1\n2\n# fine\nthree\n');
    const r = await run(path);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `replay: ${path}: trace line 4: expected a page number (decimal or 0x hex), got "three"\n`,
    );
  });

  it('an empty file', async () => {
    const r = await run(tempFile(''));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('trace is empty');
  });

  it('a page past the supported range (2^53 − 1)', async () => {
    expect((await run(tempFile('1\n0x1_0000_0000\n'))).stderr).toContain('expected a page number');
    expect((await run(tempFile('1\n0x20000000000000\n'))).stderr).toContain(
      'trace line 2: page number past the supported range',
    );
  });

  it('pages of 2^32 and more replay like any others: only identity matters', async () => {
    // Belady's string with every page moved up by 2^40: the same faults as the original
    const big = BELADY.trim()
      .split(/\s+/)
      .map((p) => String(Number(p) + 2 ** 40))
      .join('\n');
    const a = await run(tempFile(BELADY));
    const b = await run(tempFile(big + '\n'));
    expect(b.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('a binary file', async () => {
    const r = await run(tempFile(readFileSync(process.execPath).subarray(0, 65536)));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('trace is binary, not text');
  });

  it('a corrupt gzip file', async () => {
    const gz = gzipSync(Buffer.from(BELADY.repeat(100)));
    gz.fill(0x55, 12, 30);
    expect((await run(tempFile(gz))).stderr).toContain('cannot be decompressed');
  });
});

/**
 * An independent count of a lackey trace: split the text, match each record with a regular
 * expression, and compute the pages each access covers with BigInt arithmetic (the importer
 * works on bytes with float arithmetic).
 */
function countLackey(text: string, includeInstructions: boolean, collapse: boolean) {
  const pages: bigint[] = [];
  for (const line of text.split('\n')) {
    const m = /^(I | L| S| M) ([0-9a-f]+),(\d+)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'I ' && !includeInstructions) continue;
    const addr = BigInt(`0x${m[2]}`);
    const size = BigInt(m[3]!);
    const last = (addr + (size > 0n ? size : 1n) - 1n) >> 12n;
    for (let p = addr >> 12n; p <= last; p++) {
      if (collapse && pages.length > 0 && pages[pages.length - 1] === p) continue;
      pages.push(p);
    }
  }
  return { references: pages.length, distinct: new Set(pages).size, pages };
}

describe('real lackey output (valgrind --tool=lackey --trace-mem=yes on testdata/lackey/touch.c)', () => {
  const samples = [
    // The numbers in testdata/README.md, computed there by a Python script.
    {
      name: 'lackey/touch-head.lackey.txt',
      refs: 2994,
      distinct: 10,
      noI: 544,
      noIDistinct: 6,
      collapsed: 1089,
      collapsedNoI: 94,
    },
    {
      name: 'lackey/touch.lackey.gz',
      refs: 45807,
      distinct: 73,
      noI: 8150,
      noIDistinct: 35,
      collapsed: 16349,
      collapsedNoI: 2173,
    },
  ];

  for (const s of samples) {
    const raw = readFileSync(testdata(s.name));
    const text = (s.name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');

    it(`${s.name}: importing agrees with an independent count, with and without instructions and repeats`, async () => {
      for (const [includeInstructions, collapseRepeats] of [
        [true, false],
        [false, false],
        [true, true],
        [false, true],
      ] as const) {
        const imported = await importTrace(openTraceFile(testdata(s.name)), {
          includeInstructions,
          collapseRepeats,
        });
        const expected = countLackey(text, includeInstructions, collapseRepeats);
        expect(imported.format).toBe('lackey');
        expect(imported.compressed).toBe(s.name.endsWith('.gz'));
        expect(imported.references).toBe(expected.references);
        expect(imported.distinctPages).toBe(expected.distinct);
        expect(Array.from(imported.pages, (p) => BigInt(p))).toEqual(expected.pages);
      }
    });

    it(`${s.name}: matches the numbers recorded in testdata/README.md`, async () => {
      const count = async (opts: { includeInstructions?: boolean; collapseRepeats?: boolean }) => {
        const r = await importTrace(openTraceFile(testdata(s.name)), opts);
        return [r.references, r.distinctPages];
      };
      expect(await count({})).toEqual([s.refs, s.distinct]);
      expect(await count({ includeInstructions: false })).toEqual([s.noI, s.noIDistinct]);
      expect((await count({ collapseRepeats: true }))[0]).toBe(s.collapsed);
      expect((await count({ includeInstructions: false, collapseRepeats: true }))[0]).toBe(
        s.collapsedNoI,
      );
    });
  }

  it('replays the whole run under every policy, OPT lowest and every page faulted once at least', async () => {
    const faults: Record<string, number> = {};
    for (const policy of ['fifo', 'lru', 'opt', 'clock', 'linux']) {
      const r = await replay(
        '--trace',
        testdata('lackey/touch.lackey.gz'),
        '--frames',
        '8',
        '--policy',
        policy,
        '--json',
      );
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as {
        faults: number;
        references: number;
        distinctPages: number;
      };
      expect(report.references).toBe(45807);
      expect(report.faults).toBeGreaterThanOrEqual(report.distinctPages);
      faults[policy] = report.faults;
    }
    for (const policy of ['fifo', 'lru', 'clock', 'linux'])
      expect(faults.opt).toBeLessThanOrEqual(faults[policy]!);
  });

  it('refuses a lackey file with a damaged line, naming the line', async () => {
    const lines = readFileSync(testdata('lackey/touch-head.lackey.txt'), 'utf8').split('\n');
    lines[1499] = ' L 1fff0007zz,8';
    const r = await replay(
      '--trace',
      tempFile(lines.join('\n')),
      '--frames',
      '4',
      '--policy',
      'lru',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('trace line 1500: expected a lackey record');
    expect(r.stderr).toContain('got "L 1fff0007zz,8"');
  });
});

describe('openTraceFile', () => {
  it('fails with a TraceFileError for a missing file', async () => {
    const it = openTraceFile(join(dir, 'missing'))[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toBeInstanceOf(TraceFileError);
  });

  it('yields the file in chunks', async () => {
    const path = tempFile(BELADY);
    let bytes = 0;
    for await (const chunk of openTraceFile(path)) bytes += chunk.length;
    expect(bytes).toBe(BELADY.length);
  });
});
