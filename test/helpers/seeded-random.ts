/** A small deterministic generator of numbers in [0, 1), so a failing property test names a seed that reproduces it. */
export function seededRandom(seed: number): () => number {
  let s = Math.imul(seed, 0x9e3779b1) >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
