/**
 * The wire format's version. Bump it on any change a peer of the previous version would
 * misread; both sides refuse a frame of another version rather than guess (docs/protocol.md).
 */
export const PROTOCOL_VERSION = 2;

/** First two bytes of every binary frame, "AL" (0x41 0x4c), read little-endian. */
export const FRAME_MAGIC = 0x4c41;

/** Refusal of a frame or message that does not follow the protocol; `code` is machine-readable. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Every error code the server may put in an error message (and the decoders may throw). */
export const ERROR_CODES = [
  'bad_json',
  'bad_message',
  'unknown_type',
  'too_large',
  'rate_limited',
  'forbidden',
  'bad_token',
  'not_found',
  'too_many_viewers',
  'binary_not_accepted',
  'limit',
  'bad_frame',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
