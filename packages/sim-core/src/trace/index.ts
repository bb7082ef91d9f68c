export { TraceError, TRACE_ERROR_TEXT_MAX } from './errors.ts';
export type { TraceErrorCode } from './errors.ts';
export {
  DEFAULT_MAX_REFERENCES,
  MAX_LINE_BYTES,
  TraceParser,
  parseLackeyTrace,
  parsePageTrace,
} from './parser.ts';
export type { TraceFormat, TraceImport, TraceParseOptions } from './parser.ts';
export { importTrace } from './import.ts';
export { gunzip } from './gunzip.ts';
export { countDistinctPages, densifyTrace } from './densify.ts';
export type { DenseTrace } from './densify.ts';
export { MAX_LACKEY_ACCESS_SIZE } from './line-formats.ts';
export { SNIFF_BYTES } from './sniff.ts';
