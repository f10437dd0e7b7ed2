import { stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  TetraError, checkInputs, describeFeatures,
  type FeatureDescription, type LoadContext, type LoadedModel, type ModelArtifact, type ModelDescription,
  type ModelRuntime, type ModelSignature, type RunOptions, type RuntimeOptions, type TensorMap,
} from '../../core/index.ts';
import { checkJsModule, type CheckedJsModule, type JsOutputDType } from './js-model-module.ts';
import { matrixToRecords, resultsToTensors } from './js-tensors.ts';

const EXTENSIONS = new Set(['.js', '.mjs', '.ts', '.mts']);
const DEFAULT_OUTPUTS: Record<string, JsOutputDType> = { prediction: 'float64' };

/**
 * Custom models written in JavaScript or TypeScript: a module exporting
 * `predict(batch)` (and optionally `load`, `unload`, `features`, `outputs`).
 * Records are validated by the same codec as every model; predict() sees
 * plain records with categories as strings and missing values as null.
 */
export const jsRuntime: ModelRuntime = {
  name: 'js',
  recognizes: (fileName) => EXTENSIONS.has(extname(fileName)),
  load: loadJsModel,
};

async function loadJsModel(artifact: ModelArtifact, options: RuntimeOptions = {}, context: LoadContext = {}): Promise<LoadedModel> {
  const file = resolve(artifact.path);
  const module = checkJsModule(await importFresh(file), file);
  const features = module.features ? describeFeatures(module.features) : context.features;
  if (!features) {
    throw new TetraError('CONFIG_INVALID', `${file}: a JS model needs its features: export "features" from the module or list "inputs" in model.yaml`, { file, path: 'inputs' });
  }
  if (module.task === 'multiclass') {
    throw new TetraError('MODEL_UNSUPPORTED', `${file}: JS models return one value per output and row; declare task "other" and return the class and scores as separate outputs`, { file });
  }
  const outputs = module.outputs ?? DEFAULT_OUTPUTS;
  const infer = context.infer ?? noOtherModels(file);
  const state = await callUser(() => module.load?.({ options, directory: dirname(file), infer }), file, 'load');
  return new JsModel(module, state, features, outputs, file);
}

class JsModel implements LoadedModel {
  readonly signature: ModelSignature;
  readonly description: ModelDescription;

  constructor(
    private readonly module: CheckedJsModule,
    private readonly state: unknown,
    private readonly features: readonly FeatureDescription[],
    private readonly outputs: Readonly<Record<string, JsOutputDType>>,
    private readonly file: string,
  ) {
    this.signature = {
      inputs: [{ name: 'features', dtype: 'float64', shape: [-1, features.length], accepts: ['float32'] }],
      outputs: Object.entries(outputs).map(([name, dtype]) => ({ name, dtype, shape: [-1] })),
    };
    const task = module.task ?? 'other';
    this.description = {
      format: 'js', task, featureInput: 'features', features, featureNamesFromFile: module.features !== undefined,
      ...(module.features ? { declaredInputs: module.features } : {}),
      ...(task !== 'other' ? { scoreOutput: Object.keys(outputs)[0] } : {}),
      ...(module.classes ? { classes: module.classes } : {}),
    };
  }

  async run(inputs: TensorMap, options: RunOptions = {}): Promise<TensorMap> {
    const rows = checkInputs(this.signature, inputs);
    const records = matrixToRecords(inputs.features as TensorMap[string], this.features);
    const results = await callUser(() => this.module.predict(records, this.state), this.file, 'predict');
    const all = resultsToTensors(results, rows, this.outputs, this.file);
    if (!options.outputs) return all;
    return Object.fromEntries(options.outputs.map((name) => [name, all[name]]).filter(([, t]) => t !== undefined));
  }

  async unload(): Promise<void> {
    await callUser(() => this.module.unload?.(this.state), this.file, 'unload');
  }
}

function noOtherModels(file: string): NonNullable<LoadContext['infer']> {
  return () => Promise.reject(new TetraError('MODEL_UNSUPPORTED', `${file}: this model was loaded outside a model repository and cannot call other models`, { file }));
}

/** Imports the module anew when the file changed, so a reload picks up new code. */
async function importFresh(file: string): Promise<Record<string, unknown>> {
  let version: number;
  try {
    version = (await stat(file)).mtimeMs;
  } catch (error) {
    throw new TetraError('MODEL_FILE_UNREADABLE', `${file}: cannot be read (${(error as NodeJS.ErrnoException).code})`, { file, cause: error });
  }
  try {
    return (await import(`${pathToFileURL(file).href}?v=${version}`)) as Record<string, unknown>;
  } catch (error) {
    throw new TetraError('MODEL_FILE_CORRUPT', `${file}: the module failed to load: ${(error as Error).message}`, { file, cause: error });
  }
}

/** Runs user code; anything it throws becomes MODEL_RUN_FAILED naming the file and the hook. */
async function callUser<T>(fn: () => T | Promise<T>, file: string, hook: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (TetraError.is(error)) throw error;
    throw new TetraError('MODEL_RUN_FAILED', `${file}: ${hook}() threw: ${(error as Error)?.message ?? String(error)}`, { file, cause: error });
  }
}
