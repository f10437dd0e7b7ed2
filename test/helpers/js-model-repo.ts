import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.ts';

/** One model of a test repository: model.yaml text and, per version, a file name and its content. */
export interface RepoModel {
  readonly yaml?: string;
  readonly versions: Readonly<Record<string, { readonly file: string; readonly content: string | Uint8Array }>>;
}

/** Writes a model repository (`<root>/<name>/model.yaml`, `<root>/<name>/<version>/<file>`) in a fresh temporary folder. */
export function writeRepo(models: Readonly<Record<string, RepoModel>>): string {
  const root = tempDir('tetra-repo-');
  for (const [name, model] of Object.entries(models)) {
    mkdirSync(join(root, name), { recursive: true });
    if (model.yaml !== undefined) writeFileSync(join(root, name, 'model.yaml'), model.yaml);
    for (const [version, { file, content }] of Object.entries(model.versions)) {
      mkdirSync(join(root, name, version), { recursive: true });
      writeFileSync(join(root, name, version, file), content);
    }
  }
  return root;
}

/**
 * A JS model taking one number `x` and answering `{y: <expression of x>}`
 * (e.g. `x * 2`). `before` runs first inside predict (an `await`, a
 * `throw`...), with the batch as `batch`.
 */
export function jsModel(expression: string, before = ''): { file: string; content: string } {
  return {
    file: 'model.js',
    content: `export const features = [{ name: 'x', type: 'number' }];
export const outputs = { y: 'float64' };
export async function predict(batch) {
  ${before}
  return batch.map(({ x }) => ({ y: ${expression} }));
}
`,
  };
}
