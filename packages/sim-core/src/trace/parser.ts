/**
 * The streaming trace parser: bytes in, in chunks of any size, page numbers out into a typed
 * array. Lines are cut from the chunks in place; only a line split across chunks is copied, so
 * the text of a trace is never held whole (a 100-million-line trace is ~1 GB of text but only
 * 400 MB of Uint32 pages).
 */
import { TRACE_ERROR_TEXT_MAX, TraceError, truncateText } from './errors.ts';
import { MAX_DIRECT_PAGE, detectFormat, lackeyLineParser, parsePageLine } from './line-formats.ts';
import type { LineContext, LineParser } from './line-formats.ts';
import { PageBuffer } from './page-buffer.ts';
import { SNIFF_BYTES, binaryReason, hasGzipMagic } from './sniff.ts';
import { decodeUtf8, encodeUtf8 } from './text.ts';
import { countDistinctPages } from './densify.ts';

export type TraceFormat = 'pages' | 'lackey';

export interface TraceParseOptions {
  /** 'auto' (the default) decides from the first line that is not blank or a # comment. */
  readonly format?: 'auto' | TraceFormat;
  /** Lackey: count instruction fetches (I lines) as references. Default true. */
  readonly includeInstructions?: boolean;
  /** Drop a reference to the page referenced just before. Default false. */
  readonly collapseRepeats?: boolean;
  /** Refuse traces longer than this (default DEFAULT_MAX_REFERENCES). */
  readonly maxReferences?: number;
}

export interface TraceImport {
  /**
   * Page numbers in reference order — or, when the trace had a page number of 2^32 or more (x86-64
   * user addresses reach 2^47, so page numbers 2^35), dense ids 0..d-1 in order of first
   * appearance, with `original` mapping each id back. Every consumer cares about page identity
   * only (the classic policies, the trace workload), so ids serve as well as numbers.
   */
  readonly pages: Uint32Array;
  /** Dense id → original page number (up to 2^53 − 1), present only when `pages` holds dense ids. */
  readonly original?: Float64Array;
  readonly references: number;
  readonly distinctPages: number;
  readonly format: TraceFormat;
  /** Lines read, including blank, comment and valgrind lines. */
  readonly lines: number;
  /** Whether the input was gzip-compressed (set by importTrace). */
  readonly compressed: boolean;
}

/** 2^28 references: 1 GiB of pages at the limit; a 100-million-reference trace fits. */
export const DEFAULT_MAX_REFERENCES = 1 << 28;
/** No real trace line is this long; without a bound a newline-free file would be buffered whole. */
export const MAX_LINE_BYTES = 4096;

export class TraceParser implements LineContext {
  private readonly out = new PageBuffer();
  private readonly maxReferences: number;
  private readonly collapseRepeats: boolean;
  private readonly includeInstructions: boolean;
  private format: TraceFormat | null;
  private lineParser: LineParser | null;

  /** Bytes held back until the binary check has seen SNIFF_BYTES (or the end). */
  private sniffed = false;
  private sniffChunks: Uint8Array[] = [];
  private sniffLength = 0;

  /** The unfinished last line of the previous chunk. */
  private carry = new Uint8Array(256);
  private carryLength = 0;

  /** Dense renumbering, switched on by the first page number past MAX_DIRECT_PAGE. */
  private denseId: Map<number, number> | null = null;
  private original: number[] = [];
  private lastPage = -1;

  private lineNo = 0;
  /** The line being parsed, for error messages. */
  private current: Uint8Array = new Uint8Array(0);
  private currentStart = 0;
  private currentEnd = 0;
  private ended = false;

  constructor(opts: TraceParseOptions = {}) {
    this.maxReferences = opts.maxReferences ?? DEFAULT_MAX_REFERENCES;
    this.collapseRepeats = opts.collapseRepeats ?? false;
    this.includeInstructions = opts.includeInstructions ?? true;
    const format = opts.format ?? 'auto';
    this.format = format === 'auto' ? null : format;
    this.lineParser = this.format === null ? null : this.parserFor(this.format);
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('TraceParser.push after end()');
    if (chunk.length === 0) return;
    if (!this.sniffed) {
      // A copy: the caller may reuse its chunk (and a Buffer's slice() would not copy).
      this.sniffChunks.push(new Uint8Array(chunk));
      this.sniffLength += chunk.length;
      if (this.sniffLength >= SNIFF_BYTES) this.releaseSniffed();
      return;
    }
    this.splitLines(chunk);
  }

  end(): TraceImport {
    if (this.ended) throw new Error('TraceParser.end called twice');
    if (!this.sniffed) this.releaseSniffed();
    this.ended = true;
    if (this.carryLength > 0) {
      this.lineNo++;
      this.parseLine(this.carry, 0, this.carryLength);
      this.carryLength = 0;
    }
    const references = this.out.length;
    if (references === 0) {
      const skipped =
        this.format === 'lackey' && !this.includeInstructions
          ? ' (instruction fetches were excluded)'
          : '';
      throw new TraceError(
        'empty-trace',
        `trace is empty: ${this.lineNo} line${this.lineNo === 1 ? '' : 's'} read, no page references found${skipped}`,
      );
    }
    const pages = this.out.toArray();
    const dense = this.denseId !== null;
    return {
      pages,
      ...(dense ? { original: Float64Array.from(this.original) } : {}),
      references,
      distinctPages: dense ? this.original.length : countDistinctPages(pages),
      format: this.format ?? 'pages',
      lines: this.lineNo,
      compressed: false,
    };
  }

  // LineContext, called by the line parsers
  emit(page: number): void {
    if (this.collapseRepeats && this.out.length > 0 && page === this.lastPage) return;
    if (this.out.length >= this.maxReferences) {
      throw new TraceError(
        'too-many-references',
        `trace line ${this.lineNo}: trace has more than ${this.maxReferences} references (the limit)`,
        this.lineNo,
        this.currentText(),
      );
    }
    this.lastPage = page;
    if (this.denseId === null && page > MAX_DIRECT_PAGE) this.goDense();
    if (this.denseId === null) {
      this.out.push(page);
      return;
    }
    let id = this.denseId.get(page);
    if (id === undefined) {
      id = this.original.length;
      this.denseId.set(page, id);
      this.original.push(page);
    }
    this.out.push(id);
  }

  /** Renumber the pages read so far densely, in order of first appearance; ids from now on. */
  private goDense(): void {
    const ids = new Map<number, number>();
    const original = this.original;
    this.out.mapInPlace((page) => {
      let id = ids.get(page);
      if (id === undefined) {
        id = original.length;
        ids.set(page, id);
        original.push(page);
      }
      return id;
    });
    this.denseId = ids;
  }

  fail(code: 'malformed-line' | 'page-out-of-range', reason: string): never {
    const text = this.currentText();
    throw new TraceError(
      code,
      `trace line ${this.lineNo}: ${reason}, got ${JSON.stringify(text)}`,
      this.lineNo,
      text,
    );
  }

  private currentText(): string {
    return truncateText(
      decodeUtf8(this.current.subarray(this.currentStart, this.currentEnd)).trim(),
    );
  }

  private parserFor(format: TraceFormat): LineParser {
    return format === 'pages' ? parsePageLine : lackeyLineParser(this.includeInstructions);
  }

  private releaseSniffed(): void {
    this.sniffed = true;
    const sample = concat(this.sniffChunks, this.sniffLength);
    this.sniffChunks = [];
    const head = sample.subarray(0, SNIFF_BYTES);
    if (hasGzipMagic(head)) {
      throw new TraceError(
        'binary-input',
        'trace is gzip-compressed binary, not text: import it through importTrace, which decompresses it',
      );
    }
    const why = binaryReason(head);
    if (why !== null) {
      throw new TraceError(
        'binary-input',
        `trace is binary, not text (${why}): expected one page number per line or valgrind lackey output`,
      );
    }
    this.splitLines(sample);
  }

  private splitLines(chunk: Uint8Array): void {
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) break;
      this.lineNo++;
      if (this.carryLength > 0) {
        this.appendCarry(chunk, pos, nl, this.lineNo);
        this.parseLine(this.carry, 0, this.carryLength);
        this.carryLength = 0;
      } else {
        if (nl - pos > MAX_LINE_BYTES) this.lineTooLong(this.lineNo, chunk.subarray(pos, nl));
        this.parseLine(chunk, pos, nl);
      }
      pos = nl + 1;
    }
    if (pos < chunk.length) this.appendCarry(chunk, pos, chunk.length, this.lineNo + 1);
  }

  /** Keeps part of line `lineNo` until the rest of it arrives. */
  private appendCarry(chunk: Uint8Array, from: number, to: number, lineNo: number): void {
    const need = this.carryLength + (to - from);
    if (need > MAX_LINE_BYTES) {
      this.lineTooLong(
        lineNo,
        this.carryLength > 0 ? this.carry.subarray(0, this.carryLength) : chunk.subarray(from, to),
      );
    }
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.min(MAX_LINE_BYTES, Math.max(need, this.carry.length * 2)));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLength);
    this.carryLength = need;
  }

  private lineTooLong(lineNo: number, head: Uint8Array): never {
    this.current = head;
    this.currentStart = 0;
    this.currentEnd = Math.min(head.length, 4 * TRACE_ERROR_TEXT_MAX);
    const text = this.currentText();
    throw new TraceError(
      'malformed-line',
      `trace line ${lineNo}: line longer than ${MAX_LINE_BYTES} bytes, got ${JSON.stringify(text)}`,
      lineNo,
      text,
    );
  }

  private parseLine(bytes: Uint8Array, start: number, end: number): void {
    this.current = bytes;
    this.currentStart = start;
    this.currentEnd = end;
    if (this.lineParser === null) {
      this.format = detectFormat(bytes, start, end);
      if (this.format === null) return; // blank or comment: undecided yet
      this.lineParser = this.parserFor(this.format);
    }
    this.lineParser(bytes, start, end, this);
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const all = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** Parses a whole plain page-reference trace held in memory (a string or its bytes). */
export function parsePageTrace(
  input: string | Uint8Array,
  opts: Omit<TraceParseOptions, 'format'> = {},
): TraceImport {
  return parseWhole(input, { ...opts, format: 'pages' });
}

/** Parses a whole valgrind lackey trace held in memory (a string or its bytes). */
export function parseLackeyTrace(
  input: string | Uint8Array,
  opts: Omit<TraceParseOptions, 'format'> = {},
): TraceImport {
  return parseWhole(input, { ...opts, format: 'lackey' });
}

function parseWhole(input: string | Uint8Array, opts: TraceParseOptions): TraceImport {
  const parser = new TraceParser(opts);
  parser.push(typeof input === 'string' ? encodeUtf8(input) : input);
  return parser.end();
}
