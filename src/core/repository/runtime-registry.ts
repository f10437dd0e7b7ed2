import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { TetraError } from '../errors/index.ts';
import type { ModelRuntime } from '../model/model-runtime.ts';
import type { RuntimeName } from '../model/runtime-name.ts';

const HEAD_BYTES = 4096;

/** The runtimes Tetra was started with, found by name or by recognising a file. */
export class RuntimeRegistry {
  private readonly byName = new Map<RuntimeName, ModelRuntime>();

  constructor(runtimes: readonly ModelRuntime[]) {
    for (const r of runtimes) this.byName.set(r.name, r);
  }

  get names(): RuntimeName[] {
    return [...this.byName.keys()];
  }

  get(name: RuntimeName): ModelRuntime {
    const runtime = this.byName.get(name);
    if (!runtime) throw new TetraError('MODEL_UNSUPPORTED', `the ${name} runtime is not available (available: ${this.names.join(', ')})`);
    return runtime;
  }

  /** The runtime whose format the file is in, judged by its name and first bytes. */
  async detect(path: string): Promise<ModelRuntime> {
    const head = await readHead(path);
    for (const runtime of this.byName.values()) {
      if (runtime.recognizes(basename(path), head)) return runtime;
    }
    throw new TetraError('MODEL_FORMAT_UNKNOWN', `${path}: not a model file Tetra recognises (ONNX .onnx, XGBoost .json/.ubj, LightGBM .txt/.model, or a JS module)`, { file: path });
  }

  /** True when some runtime recognises the file (used to pick the artifact in a version folder). */
  async recognizes(path: string): Promise<boolean> {
    const head = await readHead(path);
    return [...this.byName.values()].some((r) => r.recognizes(basename(path), head));
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw new TetraError('MODEL_FILE_UNREADABLE', `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
  } finally {
    await handle?.close();
  }
}
