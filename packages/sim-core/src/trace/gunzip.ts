/**
 * Gzip decompression of a chunk stream with the web-standard DecompressionStream, a global in
 * Node ≥ 18 and current browsers, so this module needs neither node:zlib nor DOM types (the
 * little typing it uses is declared here).
 */
import { TraceError } from './errors.ts';

interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}
interface ByteWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}
interface GzipStream {
  readonly readable: { getReader(): ByteReader };
  readonly writable: { getWriter(): ByteWriter };
}
type GzipStreamConstructor = new (format: 'gzip') => GzipStream;

export async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const Ctor = (globalThis as unknown as { DecompressionStream?: GzipStreamConstructor })
    .DecompressionStream;
  if (Ctor === undefined) {
    throw new Error(
      'this runtime has no DecompressionStream, so gzip-compressed traces cannot be read',
    );
  }
  const stream = new Ctor('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();

  // Feed the compressed side while the caller drains the other; awaiting each write alone
  // would deadlock once the stream's queue fills.
  const sourceFailure: { failed: boolean; error: unknown } = { failed: false, error: undefined };
  const pump = (async () => {
    try {
      for await (const chunk of source) await writer.write(chunk);
      await writer.close();
    } catch (error) {
      sourceFailure.failed = true;
      sourceFailure.error = error;
      await writer.abort(error).catch(() => undefined);
    }
  })();

  let finished = false;
  try {
    for (;;) {
      let result: { done: boolean; value?: Uint8Array };
      try {
        result = await reader.read();
      } catch (error) {
        if (sourceFailure.failed) throw sourceFailure.error;
        const detail = error instanceof Error ? error.message : String(error);
        throw new TraceError(
          'corrupt-gzip',
          `trace is gzip-compressed but cannot be decompressed: ${detail}`,
        );
      }
      if (result.done) break;
      if (result.value !== undefined && result.value.length > 0) yield result.value;
    }
    finished = true;
  } finally {
    // The caller stopped early (say, at a malformed line): stop decompressing and reading.
    if (!finished) await reader.cancel().catch(() => undefined);
    await pump;
  }
}
