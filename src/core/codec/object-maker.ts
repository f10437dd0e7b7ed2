/** Makes an object from values given in the order of the names it was compiled for. */
export type ObjectMaker = (...values: unknown[]) => Record<string, unknown>;

/**
 * Plain objects with these own keys, in this order, filled from the
 * arguments: an object literal written out once per list of names. Every
 * object then shares one hidden class, where a literal with computed keys
 * is built key by key through the runtime, several times slower (one is
 * made for every row scored). Compiling costs: callers keep the maker.
 */
export function objectMaker(names: readonly string[]): ObjectMaker {
  // Names enter the code only as JSON string literals; `__proto__` written as a literal key would set the prototype, so it is computed.
  const properties = names.map((name, i) => `${name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name)}: v${i}`);
  return new Function(...names.map((_, i) => `v${i}`), `return { ${properties.join(', ')} };`) as ObjectMaker;
}
