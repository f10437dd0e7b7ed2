import { randomFillSync } from 'node:crypto';

/** UUIDs per refill: one refill costs about as much as a few hundred formatted ids. */
const IDS_PER_FILL = 1024;
const pool = Buffer.alloc(16 * IDS_PER_FILL);
let next = IDS_PER_FILL;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A random (version 4) UUID for a request without an id of its own, as
 * crypto.randomUUID makes, from a larger pool of random bytes: randomUUID
 * refills its 128-id cache through a system call that costs several
 * microseconds, noticeable when every request needs an id.
 */
export function newRequestId(): string {
  if (next === IDS_PER_FILL) {
    randomFillSync(pool);
    next = 0;
  }
  const o = 16 * next++;
  const b = pool;
  return (
    `${HEX[b[o] as number]}${HEX[b[o + 1] as number]}${HEX[b[o + 2] as number]}${HEX[b[o + 3] as number]}-` +
    `${HEX[b[o + 4] as number]}${HEX[b[o + 5] as number]}-` +
    `${HEX[((b[o + 6] as number) & 0x0f) | 0x40]}${HEX[b[o + 7] as number]}-` +
    `${HEX[((b[o + 8] as number) & 0x3f) | 0x80]}${HEX[b[o + 9] as number]}-` +
    `${HEX[b[o + 10] as number]}${HEX[b[o + 11] as number]}${HEX[b[o + 12] as number]}${HEX[b[o + 13] as number]}${HEX[b[o + 14] as number]}${HEX[b[o + 15] as number]}`
  );
}
