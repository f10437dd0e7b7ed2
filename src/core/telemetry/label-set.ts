/** Label values by label name, as prom-client takes them. */
export type LabelSet<L extends string> = Readonly<Record<L, string>>;

/**
 * The identity of a label combination. Checks the names once, when a child
 * is made, as prom-client does on each update: a misspelt label is a bug.
 */
export function labelKey<L extends string>(names: readonly L[], labels: LabelSet<L>): string {
  for (const name of Object.keys(labels)) {
    if (!(names as readonly string[]).includes(name)) throw new Error(`Added label "${name}" is not included in initial labelset: [ ${names.map((n) => `'${n}'`).join(', ')} ]`);
  }
  // An absent label and an empty value are different series, as in prom-client.
  return names.map((n) => (labels[n] === undefined ? '\u0001' : String(labels[n]))).join('\u0000');
}
