import {
  checkInputs, type LoadedModel, type ModelDescription, type ModelSignature, type RunOptions,
  type Tensor, type TensorMap, TetraError,
} from '../../core/index.ts';
import type { MarginEvaluator } from './forest-source.ts';
import { buildDescription, buildSignature, DEFAULT_OUTPUTS, FEATURES, MARGIN, PREDICTION, PROBABILITIES } from './model-interface.ts';
import type { ParsedModel } from './model-parser.ts';
import { argmaxRows, type OutputTransform, transformMargins } from './objectives.ts';

/** A loaded XGBoost model: margins from the compiled evaluator, then the objective's transform. */
export class XgboostModel implements LoadedModel {
  readonly signature: ModelSignature;
  readonly description: ModelDescription;
  private readonly numOutputs: number;
  private readonly transform: OutputTransform;
  private readonly baseMargin: Float32Array;
  private unloaded = false;

  constructor(
    private readonly file: string,
    model: ParsedModel,
    private readonly evaluator: MarginEvaluator,
  ) {
    this.signature = buildSignature(model);
    this.description = buildDescription(model);
    this.numOutputs = model.numOutputs;
    this.transform = model.objective.transform;
    this.baseMargin = model.baseMargin;
  }

  /** The computation is synchronous (a few microseconds a row); the promise only fits the interface. */
  async run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap> {
    if (this.unloaded) throw new TetraError('MODEL_NOT_READY', `model ${this.file} was unloaded`, { file: this.file });
    if (options?.signal?.aborted) throw new TetraError('CANCELLED', 'the call was cancelled before it ran', { cause: options.signal.reason });
    const wanted = this.outputsWanted(options?.outputs);
    const rows = checkInputs(this.signature, inputs);
    const x = asFloat32(inputs[FEATURES] as Tensor);
    const margins = this.margins(x, rows);
    return this.outputs(margins, rows, wanted);
  }

  async unload(): Promise<void> {
    this.unloaded = true;
  }

  private outputsWanted(requested: readonly string[] | undefined): Set<string> {
    if (requested === undefined) return new Set(DEFAULT_OUTPUTS);
    for (const name of requested) {
      if (!this.signature.outputs.some((o) => o.name === name)) {
        const known = this.signature.outputs.map((o) => o.name).join(', ');
        throw new TetraError('INPUT_OUTPUT_UNKNOWN', `output "${name}" is not an output of this model (outputs: ${known})`, { field: name });
      }
    }
    return new Set(requested);
  }

  private margins(x: Float32Array, rows: number): Float32Array {
    const k = this.numOutputs;
    const margins = new Float32Array(rows * k);
    if (k === 1) margins.fill(this.baseMargin[0] as number);
    else for (let r = 0; r < rows; r++) margins.set(this.baseMargin, r * k);
    this.evaluator.accumulate(x, rows, margins);
    return margins;
  }

  private outputs(margins: Float32Array, rows: number, wanted: Set<string>): TensorMap {
    const k = this.numOutputs;
    const shape = k === 1 ? [rows] : [rows, k];
    const out: TensorMap = {};
    if (wanted.has(MARGIN)) out[MARGIN] = { dtype: 'float32', shape, data: margins };
    if (this.transform === 'softmax') {
      if (wanted.has(PREDICTION)) {
        const labels = new Float32Array(rows);
        argmaxRows(margins, rows, k, labels);
        out[PREDICTION] = { dtype: 'float32', shape: [rows], data: labels };
      }
      if (wanted.has(PROBABILITIES)) out[PROBABILITIES] = { dtype: 'float32', shape: [rows, k], data: this.transformed(margins, rows) };
    } else if (wanted.has(PREDICTION)) {
      out[PREDICTION] = { dtype: 'float32', shape, data: this.transformed(margins, rows) };
    }
    return out;
  }

  private transformed(margins: Float32Array, rows: number): Float32Array {
    const data = new Float32Array(margins.length);
    transformMargins(this.transform === 'softmax' ? 'softprob' : this.transform, margins, rows, this.numOutputs, data);
    return data;
  }
}

/** Float64 features are rounded to float32 first, as XGBoost stores them. */
function asFloat32(t: Tensor): Float32Array {
  return t.dtype === 'float32' ? (t.data as Float32Array) : Float32Array.from(t.data as Float64Array);
}
