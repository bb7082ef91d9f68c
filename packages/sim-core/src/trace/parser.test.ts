import { describe, expect, it } from 'vitest';
import { TraceError } from './errors.ts';
import type { TraceErrorCode } from './errors.ts';
import { MAX_LINE_BYTES, TraceParser, parseLackeyTrace, parsePageTrace } from './parser.ts';
import type { TraceParseOptions } from './parser.ts';
import { encodeUtf8 } from './text.ts';

/** Runs `f` and returns the TraceError it throws. */
function traceError(f: () => unknown): TraceError {
  try {
    f();
  } catch (e) {
    if (e instanceof TraceError) return e;
    throw e;
  }
  throw new Error('expected a TraceError');
}

function expectRefused(
  f: () => unknown,
  code: TraceErrorCode,
  line: number | null,
  text: string | null,
): TraceError {
  const e = traceError(f);
  expect({ code: e.code, line: e.line, text: e.text }).toEqual({ code, line, text });
  return e;
}

const pages = (input: string, opts?: Omit<TraceParseOptions, 'format'>): number[] =>
  Array.from(parsePageTrace(input, opts).pages);

describe('plain page-reference traces', () => {
  it('reads decimal and 0x hex, skipping comments, blank lines and surrounding blanks', () => {
    const input = '# a comment\n1\n\n  0x10  \n0XfF\t# trailing comment\r\n007\n4294967295';
    expect(pages(input)).toEqual([1, 16, 255, 7, 4294967295]);
    const r = parsePageTrace(input);
    expect(r).toMatchObject({ references: 5, distinctPages: 5, format: 'pages', lines: 7 });
  });

  it('collapses consecutive repeats when asked', () => {
    expect(pages('1\n1\n2\n2\n2\n1\n', { collapseRepeats: true })).toEqual([1, 2, 1]);
    expect(pages('1\n1\n2\n')).toEqual([1, 1, 2]);
  });

  it('refuses a malformed line with its number and text', () => {
    const e = expectRefused(
      () => parsePageTrace('1\n2\nfoo bar\n3\n'),
      'malformed-line',
      3,
      'foo bar',
    );
    expect(e.message).toBe(
      'trace line 3: expected a page number (decimal or 0x hex), got "foo bar"',
    );
  });

  it.each([
    ['-1', '-1'],
    ['+1', '+1'],
    ['1.5', '1.5'],
    ['0x', '0x'],
    ['0xg1', '0xg1'],
    ['12 34', '12 34'],
    ['1e3', '1e3'],
  ])('refuses %j', (line, text) => {
    expectRefused(() => parsePageTrace(`5\n${line}\n`), 'malformed-line', 2, text);
  });

  it('truncates long offending text to 80 characters', () => {
    const junk = 'x'.repeat(300);
    const e = expectRefused(() => parsePageTrace(junk), 'malformed-line', 1, `${'x'.repeat(79)}…`);
    expect(e.message.length).toBeLessThan(200);
  });

  it('accepts page numbers up to 2^53 − 1, renumbering densely once one is 2^32 or more', () => {
    // below 2^32 the pages are kept as they are
    expect(Array.from(parsePageTrace('7\n4294967295\n7\n').pages)).toEqual([7, 4294967295, 7]);
    expect(parsePageTrace('7\n').original).toBeUndefined();
    // x86-64 user pages reach 2^35: ids in order of first appearance, `original` maps back
    const t = parsePageTrace('7\n0x7ffffffde\n7\n9007199254740991\n0x7ffffffde\n');
    expect(Array.from(t.pages)).toEqual([0, 1, 0, 2, 1]);
    expect(Array.from(t.original!)).toEqual([7, 0x7ffffffde, 2 ** 53 - 1]);
    expect(t.distinctPages).toBe(3);
  });

  it('refuses a page number past 2^53 − 1, decimal or hex', () => {
    const e = expectRefused(
      () => parsePageTrace('1\n9007199254740992\n'),
      'page-out-of-range',
      2,
      '9007199254740992',
    );
    expect(e.message).toBe(
      'trace line 2: page number past the supported range (pages must be below 2^53), got "9007199254740992"',
    );
    expectRefused(
      () => parsePageTrace('0x20000000000000'),
      'page-out-of-range',
      1,
      '0x20000000000000',
    );
    expectRefused(
      () => parsePageTrace('99999999999999999999999'),
      'page-out-of-range',
      1,
      '99999999999999999999999',
    );
  });

  it('refuses an empty trace, and a trace of only comments', () => {
    const e = expectRefused(() => parsePageTrace(''), 'empty-trace', null, null);
    expect(e.message).toBe('trace is empty: 0 lines read, no page references found');
    expectRefused(() => parsePageTrace('# nothing\n\n   \n'), 'empty-trace', null, null);
  });

  it('refuses binary input: NUL bytes, or mostly non-text bytes', () => {
    const elf = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0x0a, 0x31]);
    const e = expectRefused(() => parsePageTrace(elf), 'binary-input', null, null);
    expect(e.message).toMatch(/^trace is binary, not text \(a NUL byte at offset 7\)/);
    const noisy = new Uint8Array(1000).map((_, i) => 0x80 + (i % 100));
    expect(traceError(() => parsePageTrace(noisy)).code).toBe('binary-input');
    const gz = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(traceError(() => parsePageTrace(gz)).message).toMatch(/gzip-compressed/);
  });

  it('accepts UTF-8 in comments', () => {
    expect(pages('# pages touched by the «hot» loop — 4 KiB each\n3\n')).toEqual([3]);
  });

  it('refuses a trace longer than maxReferences', () => {
    const e = expectRefused(
      () => parsePageTrace('1\n2\n3\n', { maxReferences: 2 }),
      'too-many-references',
      3,
      '3',
    );
    expect(e.message).toMatch(/more than 2 references/);
  });

  it('refuses an absurdly long line instead of buffering it', () => {
    const long = '1'.repeat(MAX_LINE_BYTES + 1);
    expect(traceError(() => parsePageTrace(`1\n${long}\n`)).line).toBe(2);
    const p = new TraceParser({ format: 'pages' });
    p.push(encodeUtf8('1\n2\n'));
    const chunk = encodeUtf8('9'.repeat(1000));
    const e = traceError(() => {
      for (let i = 0; i < 10; i++) p.push(chunk);
    });
    expect({ code: e.code, line: e.line }).toEqual({ code: 'malformed-line', line: 3 });
  });
});

describe('chunked input', () => {
  const text = '# header\n12\n0x1f\r\n\n4096\n7\n  8 # last, no newline\n9';
  const whole = Array.from(parsePageTrace(text).pages);

  it('gives the same pages however the bytes are split, down to one byte per chunk', () => {
    const bytes = encodeUtf8(text);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const p = new TraceParser({ format: 'pages' });
      for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size));
      expect(Array.from(p.end().pages)).toEqual(whole);
    }
  });

  it('reports the right line for an error in a line split across chunks', () => {
    const p = new TraceParser({ format: 'pages' });
    p.push(encodeUtf8('1\n2\n3\nab'));
    const e = traceError(() => {
      p.push(encodeUtf8('c\n4\n'));
      p.end();
    });
    expect({ line: e.line, text: e.text }).toEqual({ line: 4, text: 'abc' });
  });

  it('checks for binary data across the first chunks, not just the first one', () => {
    const p = new TraceParser();
    p.push(encodeUtf8('1\n'));
    p.push(Uint8Array.from([0, 0, 0]));
    expect(traceError(() => p.end()).code).toBe('binary-input');
  });
});

describe('format detection', () => {
  it('reads a page list as pages and valgrind output as lackey', () => {
    const auto = (s: string) => {
      const p = new TraceParser();
      p.push(encodeUtf8(s));
      return p.end().format;
    };
    expect(auto('# comment\n\n0x10\n')).toBe('pages');
    expect(auto('==123== Lackey, an example Valgrind tool\nI  00400000,4\n')).toBe('lackey');
    expect(auto('\n L 1fff000780,8\n')).toBe('lackey');
    expect(auto('I  0400a2b0,3\n')).toBe('lackey');
  });

  it('judges an unrecognised first line as a page list, and refuses it there', () => {
    const p = new TraceParser();
    p.push(encodeUtf8('hello world\n'));
    expect(traceError(() => p.end()).message).toMatch(/expected a page number/);
  });
});

describe('lackey traces', () => {
  const lackey = (s: string, opts?: Omit<TraceParseOptions, 'format'>) =>
    Array.from(parseLackeyTrace(s, opts).pages);

  it('turns each access into its 4 KiB page, skipping valgrind messages', () => {
    const input = [
      '==6347== Lackey, an example Valgrind tool',
      '==6347== ',
      'I  004014f0,2',
      ' L 1fff000780,8',
      ' S 00402ff8,8',
      ' M 0421a0c8,4',
      '==6347== Exit code:       0',
    ].join('\n');
    expect(lackey(input)).toEqual([0x401, 0x1fff000, 0x402, 0x421a]);
  });

  it('touches both pages when an access crosses a page boundary', () => {
    expect(lackey(' L 00400ffc,8\n')).toEqual([0x400, 0x401]);
    expect(lackey(' L 00400ff8,8\n')).toEqual([0x400]); // ends exactly at the boundary
    expect(lackey('I  00400fff,2\n')).toEqual([0x400, 0x401]);
    expect(lackey(' S 00400000,0\n')).toEqual([0x400]); // a zero-size access still names its page
  });

  it('includes instruction fetches unless told not to', () => {
    const input = 'I  00400000,4\n L 00500000,8\nI  00400004,4\n';
    expect(lackey(input)).toEqual([0x400, 0x500, 0x400]);
    expect(lackey(input, { includeInstructions: false })).toEqual([0x500]);
  });

  it('collapses consecutive repeats of one page when asked, after dropping instructions', () => {
    const input = 'I  00400000,4\n L 00500000,8\nI  00400004,4\n L 00500008,8\n S 00600000,4\n';
    expect(lackey(input, { collapseRepeats: true })).toEqual([0x400, 0x500, 0x400, 0x500, 0x600]);
    expect(lackey(input, { collapseRepeats: true, includeInstructions: false })).toEqual([
      0x500, 0x600,
    ]);
  });

  it('skips --trace-superblocks SB lines', () => {
    expect(lackey('SB 00400000\nI  00400000,4\n')).toEqual([0x400]);
  });

  it.each([
    ['X 00400000,4', 'unknown kind'],
    [' L 00400000', 'no size'],
    [' L ,8', 'no address'],
    [' L 0040zz00,8', 'bad hex'],
    [' L 00400000,8x', 'bad size'],
    ['L00400000,8', 'no space after the kind'],
    [' L 12345678901234567,8', 'more than 16 hex digits'],
    [' L 00400000,100000', 'implausible size'],
  ])('refuses %j (%s) with its line number', (line) => {
    const e = traceError(() => parseLackeyTrace(`I  00400000,4\n${line}\n`));
    expect({ code: e.code, line: e.line, text: e.text }).toEqual({
      code: 'malformed-line',
      line: 2,
      text: line.trim(),
    });
    expect(e.message).toMatch(/^trace line 2: expected /);
  });

  it('accepts x86-64 user addresses (pages past 2^32) and refuses addresses past 2^53', () => {
    expect(lackey(' L fffffffffff,1\n')).toEqual([0xffffffff]);
    // a stack address: page 0x7ffffffde ≥ 2^32, so the trace is renumbered densely
    const t = parseLackeyTrace(' L 00400000,4\n S 7ffffffde010,8\n L 00400008,4\n');
    expect(Array.from(t.pages)).toEqual([0, 1, 0]);
    expect(Array.from(t.original!)).toEqual([0x400, 0x7ffffffde]);
    const e = expectRefused(
      () => parseLackeyTrace(' L 20000000000000,8\n'),
      'page-out-of-range',
      1,
      'L 20000000000000,8',
    );
    expect(e.message).toMatch(/^trace line 1: address past the supported range/);
    // Crossing out of the last exact address is out of range too.
    expect(traceError(() => parseLackeyTrace(' L 1fffffffffffff,2\n')).code).toBe(
      'page-out-of-range',
    );
  });

  it('says why a trace of instruction fetches alone is empty when they are excluded', () => {
    const e = traceError(() => parseLackeyTrace('I  00400000,4\n', { includeInstructions: false }));
    expect(e.code).toBe('empty-trace');
    expect(e.message).toMatch(/instruction fetches were excluded/);
  });
});
