import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.ts';

/**
 * A JS model for serving tests: one number feature `x`, one output
 * `y = 2x + offset` (offset 1 unless built otherwise), so every caller can
 * check it got the answer to its own input, and which code answered.
 * Rows with x = 0 (the warm-up run) always answer at once. Other batches
 * can be slowed down, as `runtime_options` say:
 * - `control`: the key of a ModelControl, which sees every batch and may
 *   hold it (servers in the test's own process);
 * - `gate_file`: batches wait until this file exists (child processes);
 * - `delay_ms`: the batch waits this long (without blocking the event loop);
 * - `busy_ms`: the batch computes on the event loop for this long.
 */
export const linearModelJs = (offset = 1): string => `
import { existsSync } from 'node:fs';
export const features = [{ name: 'x', type: 'number' }];
export const outputs = { y: 'float64' };
export function load({ options }) { return options; }
export async function predict(batch, options) {
  const real = batch.some((r) => r.x !== 0);
  const control = options.control === undefined ? undefined : globalThis[Symbol.for('tetra.test.model-controls')]?.get(options.control);
  if (real && control) await control.onBatch(batch.map((r) => r.x));
  if (real && options.gate_file) while (!existsSync(options.gate_file)) await new Promise((r) => setTimeout(r, 5));
  if (real && options.delay_ms) await new Promise((r) => setTimeout(r, options.delay_ms));
  if (real && options.busy_ms) for (const end = Date.now() + options.busy_ms; Date.now() < end; );
  return batch.map((r) => ({ y: 2 * r.x + ${offset} }));
}
`;

/** The answer linearModelJs(offset) gives for x. */
export const linear = (x: number, offset = 1): number => 2 * x + offset;

export interface LinearModelOptions {
  /** Extra model.yaml text (e.g. a `batching:` block). */
  readonly yaml?: string;
  readonly runtimeOptions?: Record<string, string | number>;
}

/** Writes a model folder `<root>/<name>` whose version 1 holds linearModelJs(). */
export function writeLinearModel(root: string, name: string, options: LinearModelOptions = {}): string {
  const dir = join(root, name);
  mkdirSync(join(dir, '1'), { recursive: true });
  writeFileSync(join(dir, '1', 'model.mjs'), linearModelJs());
  const runtimeOptions = Object.entries(options.runtimeOptions ?? {}).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}\n`).join('');
  writeFileSync(join(dir, 'model.yaml'), `runtime: js\n${runtimeOptions ? `runtime_options:\n${runtimeOptions}` : ''}${options.yaml ?? ''}`);
  return dir;
}

/** A fresh repository folder with one linear model per entry of `models`. */
export function linearRepository(models: Record<string, LinearModelOptions>): string {
  const root = tempDir('tetra-models-');
  for (const [name, options] of Object.entries(models)) writeLinearModel(root, name, options);
  return root;
}

const CONTROLS_KEY = Symbol.for('tetra.test.model-controls');

/**
 * Sees and steers the batches of a linear model served in this process:
 * records each batch's inputs and, while held, keeps batches waiting until
 * release(). A test uses it to know what the model is doing instead of
 * guessing from the clock.
 */
export class ModelControl {
  /** The x values of each batch the model ran, in order. */
  readonly batches: number[][] = [];
  private held = false;
  private releases: (() => void)[] = [];
  private startWaiters: { count: number; resolve: () => void }[] = [];

  /** Registers the control under `key` (the model's `control` runtime option). */
  constructor(readonly key: string) {
    const registry = ((globalThis as Record<symbol, unknown>)[CONTROLS_KEY] ??= new Map<string, ModelControl>()) as Map<string, ModelControl>;
    registry.set(key, this);
  }

  /** Batches that start from now on wait until release(). */
  hold(): void {
    this.held = true;
  }

  /** Lets every waiting batch finish, and later ones run at once. */
  release(): void {
    this.held = false;
    const waiting = this.releases;
    this.releases = [];
    for (const r of waiting) r();
  }

  /** Batches waiting for release(). */
  get waiting(): number {
    return this.releases.length;
  }

  /** Resolves once `count` batches have started in total. */
  started(count: number): Promise<void> {
    if (this.batches.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.startWaiters.push({ count, resolve }));
  }

  /** Called by the model for each batch. */
  onBatch(xs: number[]): Promise<void> {
    this.batches.push(xs);
    this.startWaiters = this.startWaiters.filter((w) => (this.batches.length >= w.count ? (w.resolve(), false) : true));
    if (!this.held) return Promise.resolve();
    return new Promise((resolve) => this.releases.push(resolve));
  }
}
