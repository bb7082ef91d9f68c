/**
 * The two line formats, each a function over one line's bytes (no string per line: a
 * 100-million-line trace must not allocate 100 million strings).
 */

/** What a line parser may do with its line. */
export interface LineContext {
  emit(page: number): void;
  /** Refuses the current line; `reason` reads well followed by `, got "<the line>"`. */
  fail(code: 'malformed-line' | 'page-out-of-range', reason: string): never;
}

export type LineParser = (bytes: Uint8Array, start: number, end: number, ctx: LineContext) => void;

/** The largest page number accepted: 2^53 − 1, the largest integer a double holds exactly. */
export const MAX_PAGE = Number.MAX_SAFE_INTEGER;
/** Page numbers above this are renumbered densely by the parser (TraceImport.original). */
export const MAX_DIRECT_PAGE = 0xffff_ffff;
export const PAGE_SHIFT_DIVISOR = 4096;
/** Lackey reports single accesses (at most a cache line or a vector register); more is junk. */
export const MAX_LACKEY_ACCESS_SIZE = 65536;

const HASH = 0x23;
const COMMA = 0x2c;

export function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

const PAGE_EXPECTED = 'expected a page number (decimal or 0x hex)';

/** `1234`, `0x4d2`, with `# comments`; blank lines are skipped. */
export const parsePageLine: LineParser = (b, start, end, ctx) => {
  let s = start;
  while (s < end && isSpace(b[s]!)) s++;
  let e = s;
  while (e < end && b[e] !== HASH) e++;
  while (e > s && isSpace(b[e - 1]!)) e--;
  if (s === e) return;

  let value = 0;
  let tooBig = false; // once past 2^53 − 1 a double is no longer exact: remember, keep validating
  if (e - s > 2 && b[s] === 0x30 && (b[s + 1]! | 0x20) === 0x78) {
    for (let i = s + 2; i < e; i++) {
      const d = hexDigit(b[i]!);
      if (d < 0) ctx.fail('malformed-line', PAGE_EXPECTED);
      value = value * 16 + d;
      if (value > MAX_PAGE) tooBig = true;
    }
  } else {
    for (let i = s; i < e; i++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) ctx.fail('malformed-line', PAGE_EXPECTED);
      value = value * 10 + d;
      if (value > MAX_PAGE) tooBig = true;
    }
  }
  if (tooBig)
    ctx.fail(
      'page-out-of-range',
      'page number past the supported range (pages must be below 2^53)',
    );
  ctx.emit(value);
};

const LACKEY_EXPECTED =
  'expected a lackey record ("I  addr,size", " L addr,size", " S addr,size" or " M addr,size")';

/**
 * Valgrind lackey (--tool=lackey --trace-mem=yes): `I  04001f30,3` (instruction fetch),
 * ` L addr,size` (load), ` S addr,size` (store), ` M addr,size` (modify: a load and a store to
 * the same bytes, one reference for paging). Addresses are hex without 0x, sizes decimal. Each
 * access becomes the 4 KiB pages it covers, both when it crosses a page boundary. Valgrind's
 * own `==pid==` / `--pid--` messages and `--trace-superblocks` `SB` lines are skipped.
 */
export function lackeyLineParser(includeInstructions: boolean): LineParser {
  return (b, start, end, ctx) => {
    let s = start;
    let e = end;
    while (s < e && isSpace(b[s]!)) s++;
    while (e > s && isSpace(b[e - 1]!)) e--;
    if (s === e) return;
    const c0 = b[s]!;
    const c1 = s + 1 < e ? b[s + 1]! : 0;
    if ((c0 === 0x3d && c1 === 0x3d) || (c0 === 0x2d && c1 === 0x2d)) return; // == / --
    if (c0 === 0x53 && c1 === 0x42 && s + 2 < e && isSpace(b[s + 2]!)) return; // SB

    // kind: I, L, S or M, then at least one space
    if (c0 !== 0x49 && c0 !== 0x4c && c0 !== 0x53 && c0 !== 0x4d)
      ctx.fail('malformed-line', LACKEY_EXPECTED);
    let i = s + 1;
    if (i >= e || !isSpace(b[i]!)) ctx.fail('malformed-line', LACKEY_EXPECTED);
    while (i < e && isSpace(b[i]!)) i++;

    // address: 1 to 16 hex digits, then a comma
    const addrStart = i;
    let addr = 0;
    let tooBig = false;
    for (; i < e && b[i] !== COMMA; i++) {
      const d = hexDigit(b[i]!);
      if (d < 0) ctx.fail('malformed-line', LACKEY_EXPECTED);
      addr = addr * 16 + d;
      if (addr > MAX_PAGE) tooBig = true;
    }
    if (i === addrStart || i - addrStart > 16 || i >= e)
      ctx.fail('malformed-line', LACKEY_EXPECTED);
    i++;

    // size: decimal digits to the end of the line
    if (i >= e) ctx.fail('malformed-line', LACKEY_EXPECTED);
    let size = 0;
    for (; i < e; i++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) ctx.fail('malformed-line', LACKEY_EXPECTED);
      size = size * 10 + d;
    }
    if (size > MAX_LACKEY_ACCESS_SIZE)
      ctx.fail(
        'malformed-line',
        `expected an access size of at most ${MAX_LACKEY_ACCESS_SIZE} bytes`,
      );

    if (c0 === 0x49 && !includeInstructions) return;
    // x86-64 user addresses are below 2^47; anything a double cannot hold exactly is refused
    if (tooBig || addr > MAX_PAGE - (Math.max(size, 1) - 1)) {
      ctx.fail(
        'page-out-of-range',
        'address past the supported range (addresses must be below 2^53)',
      );
    }
    const first = Math.floor(addr / PAGE_SHIFT_DIVISOR);
    const last = Math.floor((addr + Math.max(size, 1) - 1) / PAGE_SHIFT_DIVISOR);
    for (let page = first; page <= last; page++) ctx.emit(page);
  };
}

/**
 * Format detection from the first line that is neither blank nor a `#` comment: valgrind's
 * `==pid==` banner or a lackey record means lackey, anything else a page list (whose parser
 * then judges it).
 */
export function detectFormat(b: Uint8Array, start: number, end: number): 'pages' | 'lackey' | null {
  let s = start;
  while (s < end && isSpace(b[s]!)) s++;
  if (s === end || b[s] === HASH) return null;
  const c0 = b[s]!;
  const c1 = s + 1 < end ? b[s + 1]! : 0;
  if ((c0 === 0x3d && c1 === 0x3d) || (c0 === 0x2d && c1 === 0x2d)) return 'lackey';
  if ((c0 === 0x49 || c0 === 0x4c || c0 === 0x53 || c0 === 0x4d) && isSpace(c1)) return 'lackey';
  return 'pages';
}
