import type { StringDecoder } from 'node:string_decoder';

/**
 * Input bytes are decoded at most this many at a time. V8 keeps a string
 * longer than 128 KiB in its large-object space, where making one costs
 * about 40 times more per byte (on Node 20: ~200 MB/s against ~8 GB/s for
 * shorter strings), which made decoding a 1 MiB read a seventh of parsing.
 */
export const DECODE_SLICE_BYTES = 64 * 1024;

/** The text of `bytes` as strings of at most DECODE_SLICE_BYTES characters; a character cut at the end waits in `decoder` for the next bytes. */
export function* decodeInSlices(decoder: StringDecoder, bytes: Uint8Array): Generator<string> {
  for (let at = 0; at < bytes.length; at += DECODE_SLICE_BYTES) {
    const text = decoder.write(bytes.subarray(at, at + DECODE_SLICE_BYTES));
    if (text !== '') yield text;
  }
}
