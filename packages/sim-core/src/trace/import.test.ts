import { describe, expect, it } from 'vitest';
import { TraceError } from './errors.ts';
import { importTrace } from './import.ts';
import { encodeUtf8 } from './text.ts';

/** The web-standard CompressionStream, typed locally (sim-core has no DOM types). */
interface ByteStream {
  readonly readable: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> } };
  readonly writable: {
    getWriter(): { write(c: Uint8Array): Promise<void>; close(): Promise<void> };
  };
}
const CompressionStreamCtor = (
  globalThis as unknown as { CompressionStream: new (f: 'gzip') => ByteStream }
).CompressionStream;

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStreamCtor('gzip');
  const writer = cs.writable.getWriter();
  const written = writer.write(bytes).then(() => writer.close());
  const reader = cs.readable.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value) parts.push(value);
  }
  await written;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function rejection(p: Promise<unknown>): Promise<TraceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TraceError) return e;
    throw e;
  }
  throw new Error('expected a TraceError');
}

const TEXT = '# sample\n1\n2\n0x3\n1\n2\n4\n';

describe('importTrace', () => {
  it('imports plain text from chunks', async () => {
    const r = await importTrace(chunksOf(encodeUtf8(TEXT), 5));
    expect(Array.from(r.pages)).toEqual([1, 2, 3, 1, 2, 4]);
    expect(r).toMatchObject({
      references: 6,
      distinctPages: 4,
      format: 'pages',
      compressed: false,
    });
  });

  it('recognises gzip by its magic bytes and decompresses it, in chunks of any size', async () => {
    const gz = await gzip(encodeUtf8(TEXT));
    for (const size of [1, 3, 1024]) {
      const r = await importTrace(chunksOf(gz, size));
      expect(Array.from(r.pages)).toEqual([1, 2, 3, 1, 2, 4]);
      expect(r.compressed).toBe(true);
    }
  });

  it('reads gzip-compressed lackey output, detecting the format', async () => {
    const gz = await gzip(encodeUtf8('==1== Lackey\nI  00400000,4\n L 1fff000780,8\n'));
    const r = await importTrace(chunksOf(gz, 7), { includeInstructions: false });
    expect(r.format).toBe('lackey');
    expect(Array.from(r.pages)).toEqual([0x1fff000]);
  });

  it('refuses corrupt and truncated gzip data clearly', async () => {
    const gz = await gzip(encodeUtf8(TEXT.repeat(50)));
    const corrupt = gz.slice();
    corrupt.fill(0x55, 12, 40);
    expect((await rejection(importTrace(chunksOf(corrupt, 16)))).code).toBe('corrupt-gzip');
    const truncated = gz.slice(0, gz.length - 10);
    expect((await rejection(importTrace(chunksOf(truncated, 16)))).code).toBe('corrupt-gzip');
  });

  it('reports a malformed line inside a gzip file with its line number', async () => {
    const gz = await gzip(encodeUtf8('1\n2\n3\nzzz\n'));
    const e = await rejection(importTrace(chunksOf(gz, 4)));
    expect({ code: e.code, line: e.line, text: e.text }).toEqual({
      code: 'malformed-line',
      line: 4,
      text: 'zzz',
    });
  });

  it('refuses an empty input and a gzip of nothing as empty traces', async () => {
    expect((await rejection(importTrace(chunksOf(new Uint8Array(0), 1)))).code).toBe('empty-trace');
    expect((await rejection(importTrace(chunksOf(await gzip(new Uint8Array(0)), 1)))).code).toBe(
      'empty-trace',
    );
  });

  it('stops reading the source when it refuses a line', async () => {
    let produced = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        yield encodeUtf8('1\nnot a page\n');
        for (;;) {
          produced++;
          yield encodeUtf8('2\n');
        }
      } finally {
        closed = true;
      }
    }
    // The binary check holds back the first 8 KiB, so the refusal comes within ~4,000 chunks.
    expect((await rejection(importTrace(endless()))).code).toBe('malformed-line');
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(5000);
  });

  it('streams a long trace without holding its text: 3 million lines from a generator', async () => {
    const lines = 3_000_000;
    const perChunk = 50_000;
    async function* generate(): AsyncGenerator<Uint8Array> {
      for (let start = 0; start < lines; start += perChunk) {
        let s = '';
        for (let i = start; i < start + perChunk; i++) s += `${i % 1000}\n`;
        yield encodeUtf8(s);
      }
    }
    const r = await importTrace(generate());
    expect(r.references).toBe(lines);
    expect(r.distinctPages).toBe(1000);
    expect(r.pages[2_999_999]).toBe(999);
  });
});
