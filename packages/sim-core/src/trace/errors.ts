/**
 * Every way an imported trace is refused, each with its own code so the server and the
 * dashboard can explain it, and, for a bad line, where it is and what it says.
 */
export type TraceErrorCode =
  | 'malformed-line'
  | 'empty-trace'
  | 'page-out-of-range'
  | 'binary-input'
  | 'too-many-references'
  | 'corrupt-gzip';

/** Offending text is shown up to this many characters. */
export const TRACE_ERROR_TEXT_MAX = 80;

export class TraceError extends Error {
  override readonly name = 'TraceError';

  constructor(
    readonly code: TraceErrorCode,
    message: string,
    /** 1-based line number, when the error belongs to a line. */
    readonly line: number | null = null,
    /** The offending line (trimmed, at most TRACE_ERROR_TEXT_MAX characters). */
    readonly text: string | null = null,
  ) {
    super(message);
  }
}

export function truncateText(text: string): string {
  return text.length <= TRACE_ERROR_TEXT_MAX ? text : `${text.slice(0, TRACE_ERROR_TEXT_MAX - 1)}…`;
}
