/**
 * Opening a trace file on the server side: a stream of byte chunks for sim-core's importTrace,
 * which decompresses and parses it without ever holding the whole file.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export class TraceFileError extends Error {
  override readonly name = 'TraceFileError';

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** 1 MiB reads: few enough chunks for a 1 GB trace, small enough to keep memory flat. */
const CHUNK_BYTES = 1 << 20;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The file's bytes, chunk by chunk. Fails on first iteration with a TraceFileError when the
 * file is missing, a directory or unreadable. Abandoning the iteration closes the file.
 */
export async function* openTraceFile(path: string): AsyncGenerator<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new TraceFileError(path, `trace file is a directory: ${path}`);
  } catch (error) {
    if (error instanceof TraceFileError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new TraceFileError(path, `trace file not found: ${path}`);
    throw new TraceFileError(path, `cannot open trace file ${path}: ${describe(error)}`);
  }
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // A plain Uint8Array view: Buffer overrides slice() and friends with different semantics.
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (error) {
    throw new TraceFileError(path, `cannot read trace file ${path}: ${describe(error)}`);
  } finally {
    stream.destroy();
  }
}
