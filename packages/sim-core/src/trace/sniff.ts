/**
 * Recognising what a byte stream is before parsing it as lines: gzip by its magic bytes, and
 * binary data (an executable, a core file, an image) by NUL bytes or mostly non-text bytes.
 */

/** How much of the start of a stream the binary check looks at. */
export const SNIFF_BYTES = 8192;

/** RFC 1952: every gzip member starts with ID1 = 0x1f, ID2 = 0x8b. */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Above this share of suspicious bytes a sample is called binary. */
const SUSPICIOUS_RATIO = 0.3;

/**
 * Why `sample` is not text, or null when it is. Text means no NUL bytes, and at most 30% of
 * bytes that are control characters (other than tab, newline, vertical tab, form feed and
 * carriage return) or above 0x7f (UTF-8 comments are allowed; a page list is ASCII).
 */
export function binaryReason(sample: Uint8Array): string | null {
  const nul = sample.indexOf(0);
  if (nul >= 0) return `a NUL byte at offset ${nul}`;
  let suspicious = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if ((b < 0x20 && (b < 0x09 || b > 0x0d)) || b >= 0x7f) suspicious++;
  }
  if (sample.length > 0 && suspicious / sample.length > SUSPICIOUS_RATIO) {
    return `${Math.round((100 * suspicious) / sample.length)}% of its first ${sample.length} bytes are not text`;
  }
  return null;
}
