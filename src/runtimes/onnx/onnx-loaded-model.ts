import type { InferenceSession, OnnxValue } from 'onnxruntime-node';
import { TetraError } from '../../core/errors/index.ts';
import { checkInputs, type LoadedModel, type ModelDescription, type ModelSignature, type RunOptions } from '../../core/model/index.ts';
import type { TensorMap } from '../../core/tensor.ts';
import { fromOrtTensor, toOrtTensor } from './tensor-convert.ts';

/** What the loader hands over: the session and what it learned about the model. */
export interface OnnxModelParts {
  readonly session: InferenceSession;
  readonly signature: ModelSignature;
  readonly description: ModelDescription;
  readonly file: string;
  /** Outputs left out of the signature, with why, so a request for one gets a precise error. */
  readonly omittedOutputs: ReadonlyMap<string, string>;
  readonly runOptions: InferenceSession.RunOptions;
}

/** A model held by an onnxruntime session. */
export class OnnxLoadedModel implements LoadedModel {
  readonly signature: ModelSignature;
  readonly description: ModelDescription;
  private session: InferenceSession | undefined;
  private readonly file: string;
  private readonly omittedOutputs: ReadonlyMap<string, string>;
  private readonly defaultOutputs: readonly string[];
  private readonly runOptions: InferenceSession.RunOptions;

  constructor(init: OnnxModelParts) {
    this.session = init.session;
    this.signature = init.signature;
    this.description = init.description;
    this.file = init.file;
    this.omittedOutputs = init.omittedOutputs;
    this.runOptions = init.runOptions;
    this.defaultOutputs = init.signature.outputs.map((o) => o.name);
  }

  async run(inputs: TensorMap, options: RunOptions = {}): Promise<TensorMap> {
    const session = this.session;
    if (!session) throw new TetraError('MODEL_NOT_READY', `model ${this.file} was unloaded`, { file: this.file });
    if (options.signal?.aborted) throw new TetraError('CANCELLED', `run of model ${this.file} was cancelled before it started`, { file: this.file });
    checkInputs(this.signature, inputs);
    const fetches = this.selectOutputs(options.outputs);
    const feeds = this.feeds(inputs);
    let results: InferenceSession.ReturnType;
    try {
      results = await session.run(feeds, fetches, this.runOptions);
    } catch (error) {
      throw new TetraError('MODEL_RUN_FAILED', `model ${this.file} failed while computing: ${messageOf(error)}`, { file: this.file, cause: error });
    }
    return this.collect(results, fetches);
  }

  async unload(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }

  private selectOutputs(requested: readonly string[] | undefined): readonly string[] {
    if (!requested || requested.length === 0) return this.defaultOutputs;
    for (const name of requested) {
      if (this.defaultOutputs.includes(name)) continue;
      const why = this.omittedOutputs.get(name);
      const detail = why ? `output "${name}" ${why} and cannot be returned` : `output "${name}" is not an output of this model`;
      throw new TetraError('INPUT_OUTPUT_UNKNOWN', `${detail} (outputs: ${this.defaultOutputs.join(', ')})`, { field: name, file: this.file });
    }
    return [...new Set(requested)];
  }

  private feeds(inputs: TensorMap): Record<string, OnnxValue> {
    const feeds: Record<string, OnnxValue> = {};
    for (const spec of this.signature.inputs) {
      feeds[spec.name] = toOrtTensor(inputs[spec.name]!, spec.dtype);
    }
    return feeds;
  }

  private collect(results: InferenceSession.ReturnType, fetches: readonly string[]): TensorMap {
    const out: TensorMap = {};
    for (const name of fetches) {
      try {
        out[name] = fromOrtTensor(name, results[name]);
      } catch (error) {
        throw new TetraError('MODEL_RUN_FAILED', `model ${this.file}: ${messageOf(error)}`, { file: this.file, field: name, cause: error });
      }
    }
    return out;
  }
}

/** onnxruntime messages carry a status prefix ("[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : "); the rest is the useful part. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*/, '').trim();
}
