/**
 * Text encoding without DOM or Node types: TextEncoder and TextDecoder exist at run time in
 * Node 20 and every browser, but sim-core compiles against the ES2023 library alone, so they
 * are reached through globalThis with the little typing used here.
 */
interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
interface Utf8Encoder {
  encode(text: string): Uint8Array;
}
interface TextCodecs {
  TextDecoder: new (label: 'utf-8', options: { fatal: boolean }) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
}

const codecs = globalThis as unknown as TextCodecs;
let decoder: Utf8Decoder | null = null;
let encoder: Utf8Encoder | null = null;

/** Decodes bytes for messages; invalid UTF-8 becomes U+FFFD rather than an exception. */
export function decodeUtf8(bytes: Uint8Array): string {
  decoder ??= new codecs.TextDecoder('utf-8', { fatal: false });
  return decoder.decode(bytes);
}

export function encodeUtf8(text: string): Uint8Array {
  encoder ??= new codecs.TextEncoder();
  return encoder.encode(text);
}
