/**
 * Importing a trace from a stream of byte chunks (a file, an upload): gzip is recognised by
 * its magic bytes and decompressed on the fly, then the text is parsed line by line.
 */
import { gunzip } from './gunzip.ts';
import { TraceParser } from './parser.ts';
import type { TraceImport, TraceParseOptions } from './parser.ts';
import { hasGzipMagic } from './sniff.ts';

export async function importTrace(
  chunks: AsyncIterable<Uint8Array>,
  opts: TraceParseOptions = {},
): Promise<TraceImport> {
  const source = chunks[Symbol.asyncIterator]();
  // Gather at least the two magic bytes (a chunk may be a single byte).
  const head: Uint8Array[] = [];
  let headLength = 0;
  let exhausted = false;
  while (headLength < 2) {
    const next = await source.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    head.push(next.value);
    headLength += next.value.length;
  }
  const compressed = hasGzipMagic(firstBytes(head, 2));
  const rest = replay(head, source, exhausted);
  const text = compressed ? gunzip(rest) : rest;

  const parser = new TraceParser(opts);
  for await (const chunk of text) parser.push(chunk);
  return { ...parser.end(), compressed };
}

function firstBytes(chunks: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length && at < n; i++) out[at++] = c[i]!;
    if (at === n) break;
  }
  return out.subarray(0, at);
}

/** The chunks already read, then the rest of the source; closes the source if abandoned. */
async function* replay(
  head: Uint8Array[],
  source: AsyncIterator<Uint8Array>,
  exhausted: boolean,
): AsyncGenerator<Uint8Array> {
  let done = exhausted;
  try {
    yield* head;
    while (!done) {
      const next = await source.next();
      if (next.done) done = true;
      else yield next.value;
    }
  } finally {
    if (!done) await source.return?.();
  }
}
