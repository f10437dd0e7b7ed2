/**
 * The binary tensor extension is little-endian, while typed arrays use the
 * host's byte order. Every supported Node platform but s390x is
 * little-endian, so the common path is a plain copy and the swap below is
 * the fallback.
 */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `width`-byte element in place. */
export function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let at = 0; at < bytes.length; at += width) {
    for (let i = 0, j = width - 1; i < j; i++, j--) {
      const b = bytes[at + i] as number;
      bytes[at + i] = bytes[at + j] as number;
      bytes[at + j] = b;
    }
  }
}
