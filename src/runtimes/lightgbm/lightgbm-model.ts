import { TetraError } from '../../core/errors/index.ts';
import { checkInputs, type LoadedModel, type ModelDescription, type ModelSignature, type RunOptions } from '../../core/model/index.ts';
import type { Tensor, TensorMap } from '../../core/tensor.ts';
import type { FlatForest } from './flat-forest.ts';
import { accumulateScores, writeLeafIndices, type TreeRange } from './forest-eval.ts';
import type { ModelHeader } from './model-header.ts';

export const FEATURE_INPUT = 'features';
export const OUTPUT_PREDICTION = 'prediction';
export const OUTPUT_MARGIN = 'margin';
export const OUTPUT_LEAF_INDEX = 'leaf_index';
const DEFAULT_OUTPUTS = [OUTPUT_PREDICTION, OUTPUT_MARGIN];

/** Everything a loaded LightGBM model needs to compute. */
export interface CompiledModel {
  readonly forest: FlatForest;
  readonly header: ModelHeader;
  readonly range: TreeRange;
  readonly description: ModelDescription;
}

function buildSignature(header: ModelHeader, range: TreeRange): ModelSignature {
  const k = header.treesPerIteration;
  const scoreShape = k === 1 ? [-1] : [-1, k];
  return {
    inputs: [{ name: FEATURE_INPUT, dtype: 'float64', shape: [-1, header.numFeatures], accepts: ['float32'] }],
    outputs: [
      { name: OUTPUT_PREDICTION, dtype: 'float64', shape: scoreShape },
      { name: OUTPUT_MARGIN, dtype: 'float64', shape: scoreShape },
      { name: OUTPUT_LEAF_INDEX, dtype: 'int32', shape: [-1, range.iterations * k] },
    ],
  };
}

/**
 * A LightGBM model evaluated natively. `margin` is LightGBM's raw score
 * (predict(raw_score=True)), which for random forests is the sum over trees,
 * not the mean; `prediction` is what predict() returns.
 */
export class LightGbmModel implements LoadedModel {
  readonly signature: ModelSignature;
  readonly description: ModelDescription;
  private compiled: CompiledModel | undefined;

  constructor(compiled: CompiledModel) {
    this.compiled = compiled;
    this.description = compiled.description;
    this.signature = buildSignature(compiled.header, compiled.range);
  }

  async run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap> {
    const model = this.compiled;
    if (!model) throw new TetraError('MODEL_NOT_READY', 'this LightGBM model has been unloaded');
    const rows = checkInputs(this.signature, inputs);
    const wanted = this.requestedOutputs(options);
    if (options?.signal?.aborted) throw new TetraError('CANCELLED', 'the call was cancelled before the model ran');
    const x = asFloat64(inputs[FEATURE_INPUT]!);
    const out: TensorMap = {};
    if (wanted.has(OUTPUT_MARGIN) || wanted.has(OUTPUT_PREDICTION)) {
      const raw = new Float64Array(rows * model.range.perIteration);
      accumulateScores(model.forest, x, rows, model.header.numFeatures, model.range, raw);
      const shape = this.shapeOf(OUTPUT_MARGIN, rows);
      if (wanted.has(OUTPUT_PREDICTION)) {
        const prediction = wanted.has(OUTPUT_MARGIN) ? raw.slice() : raw;
        toPrediction(model, prediction, rows);
        out[OUTPUT_PREDICTION] = { dtype: 'float64', shape, data: prediction };
      }
      if (wanted.has(OUTPUT_MARGIN)) out[OUTPUT_MARGIN] = { dtype: 'float64', shape, data: raw };
    }
    if (wanted.has(OUTPUT_LEAF_INDEX)) {
      const leaves = new Int32Array(rows * model.range.iterations * model.range.perIteration);
      writeLeafIndices(model.forest, x, rows, model.header.numFeatures, model.range, leaves);
      out[OUTPUT_LEAF_INDEX] = { dtype: 'int32', shape: this.shapeOf(OUTPUT_LEAF_INDEX, rows), data: leaves };
    }
    return out;
  }

  async unload(): Promise<void> {
    this.compiled = undefined;
  }

  private requestedOutputs(options: RunOptions | undefined): Set<string> {
    const names = options?.outputs ?? DEFAULT_OUTPUTS;
    for (const name of names) {
      if (!this.signature.outputs.some((o) => o.name === name)) {
        const known = this.signature.outputs.map((o) => o.name).join(', ');
        throw new TetraError('INPUT_OUTPUT_UNKNOWN', `output "${name}" is not an output of this model (outputs: ${known})`, { field: name });
      }
    }
    return new Set(names);
  }

  private shapeOf(output: string, rows: number): number[] {
    const spec = this.signature.outputs.find((o) => o.name === output)!;
    return spec.shape.map((d) => (d < 0 ? rows : d));
  }
}

function asFloat64(t: Tensor): Float64Array {
  return t.data instanceof Float64Array ? t.data : Float64Array.from(t.data as Float32Array);
}

/**
 * Raw sums to predict() output. Random forests (average_output) divide by the
 * iteration count first. LightGBM 2.x (format v2) stored forest leaves already
 * converted by the objective (a v2 binary forest's leaves are probabilities)
 * and its Predict skipped ConvertOutput when averaging; from 3.x (v3, v4) the
 * leaves are raw scores and Predict averages then converts (softmax for a
 * multiclass forest). The lg_rf_iris fixture (v2) matches the mean of the
 * leaves with no sigmoid.
 */
function toPrediction(model: CompiledModel, scores: Float64Array, rows: number): void {
  const { header, range } = model;
  if (header.averageOutput) {
    for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! / range.iterations;
    if (header.version === 'v2') return;
  }
  header.objective.convert(scores, rows, range.perIteration);
}
