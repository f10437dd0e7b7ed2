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

/** How a threadAwareModel acts: code for the main thread, for worker threads, for both (after those), and at the module's top. */
export interface ThreadAware {
  readonly here?: string;
  readonly onThread?: string;
  readonly before?: string;
  readonly top?: string;
  readonly expression?: string;
}

/**
 * A JS model like jsModel (`{y: <expression of x>}`, default `x * 2`) that
 * acts apart on worker threads. A thread writes `loadedMarker` as it loads
 * the module; in predict, `here` runs on the main thread, where
 * `await waitForThread()` (the first time) blocks until a thread has
 * loaded the module (20 s at most), then leaves 300 ms for the thread's
 * word that it is ready to reach the main thread; `onThread` runs on a
 * thread. A job whose main thread waits so before its first run hands the
 * rest to a thread that only runs the model: runs go to one only once it
 * has said it is ready. The marker must not exist when the job starts.
 */
export function threadAwareModel(loadedMarker: string, act: ThreadAware): { file: string; content: string } {
  const loaded = JSON.stringify(loadedMarker);
  return {
    file: 'model.js',
    content: `import { isMainThread } from 'node:worker_threads';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
if (!isMainThread) writeFileSync(${loaded}, 'x');
const deadline = Date.now() + 20000;
let waited = false;
async function waitForThread() {
  if (waited) return;
  waited = true;
  while (!existsSync(${loaded}) && Date.now() < deadline);
  await new Promise((resolve) => setTimeout(resolve, 300));
}
${act.top ?? ''}
export const features = [{ name: 'x', type: 'number' }];
export const outputs = { y: 'float64' };
export async function predict(batch) {
  if (isMainThread) { ${act.here ?? ''} } else { ${act.onThread ?? ''} }
  ${act.before ?? ''}
  return batch.map(({ x }) => ({ y: ${act.expression ?? 'x * 2'} }));
}
`,
  };
}
