import type { StringDecoder } from 'node:string_decoder';

/**
 * Input bytes are decoded at most this many at a time. V8 keeps a string
 * longer than 128 KiB in its large-object space, where making one costs
 * about 40 times more per byte (on Node 20: ~200 MB/s against ~8 GB/s for
 * shorter strings), which made decoding a 1 MiB read a seventh of parsing.
 * 32 KiB keeps a slice's string under that size even at two bytes a
 * character.
 */
export const DECODE_SLICE_BYTES = 32 * 1024;

/** Output text is encoded in strings of about this many characters, for the same reason (half the time of encoding a chunk's text whole). */
export const ENCODE_SLICE_CHARS = 32 * 1024;

/** The text of `bytes` as strings of at most DECODE_SLICE_BYTES characters; a character cut at the end waits in `decoder` for the next bytes. */
export function* decodeInSlices(decoder: StringDecoder, bytes: Uint8Array): Generator<string> {
  for (let at = 0; at < bytes.length; at += DECODE_SLICE_BYTES) {
    const text = decoder.write(bytes.subarray(at, at + DECODE_SLICE_BYTES));
    if (text !== '') yield text;
  }
}

/** The UTF-8 bytes of the lines `line` makes of `items`, encoded a slice of text at a time. */
export function encodeLinesInSlices<T>(items: Iterable<T>, line: (item: T) => string): Buffer {
  const parts: Buffer[] = [];
  let text = '';
  for (const item of items) {
    text += line(item);
    if (text.length >= ENCODE_SLICE_CHARS) {
      parts.push(Buffer.from(text, 'utf8'));
      text = '';
    }
  }
  if (text !== '' || parts.length === 0) parts.push(Buffer.from(text, 'utf8'));
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}
