import { decodeOutputs, type PredictionRecord } from '../codec/output-decoder.ts';
import type { InputRecord } from '../codec/record-encoder.ts';
import { encodeLenientSkipping } from '../enrich/encode-lenient-skipping.ts';
import type { LookupObserver } from '../enrich/lookup-observer.ts';
import type { EnrichedBatch } from '../enrich/online-feature-enricher.ts';
import { TetraError, asTetraError } from '../errors/index.ts';
import type { ModelRepository } from '../repository/model-repository.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';
import type { ServedModel } from '../repository/served-model.ts';
import { predictionsAgree, tensorsAgree } from '../rollout/shadow-compare.ts';
import type { TensorMap } from '../tensor.ts';
import type { InferRequest, InferResult } from './infer-request.ts';
import { describeServedModel, type ModelMetadata } from './model-metadata.ts';

/**
 * The data plane every mode calls: resolves the model and version, decodes
 * records into tensors, runs the model through its batcher and encodes the
 * outputs. Knows nothing about HTTP, queues or brokers.
 */
export class InferenceService {
  constructor(
    private readonly repository: ModelRepository,
    private readonly telemetry?: Telemetry,
  ) {
    repository.setInfer((model, records) => this.inferFromModel(model, records));
  }

  /** A model calling another: loads it on first use, then infers like any caller. */
  private async inferFromModel(model: string, records: readonly InputRecord[]): Promise<PredictionRecord[]> {
    if (!this.repository.attempted(model)) await this.repository.load(model);
    const result = await this.infer({ model, records });
    return result.predictions ?? [];
  }

  /**
   * Answers one call. Without a version the model's rollout decides (stable
   * or canary, sticky per route key); a shadow version, when picked, gets a
   * copy after the answer is ready and its answer is only compared.
   */
  async infer(request: InferRequest): Promise<InferResult> {
    const started = performance.now();
    const mode = request.mode ?? 'online';
    let served: ServedModel | undefined;
    try {
      const { primary, shadow } = this.repository.route(request.model, request.version, request.routeKey);
      served = primary;
      const result = await this.inferServed(primary, withDeadline(request));
      this.telemetry?.recordRequest(primary.name, primary.version, mode, 'ok', (performance.now() - started) / 1000);
      if (shadow) this.shadow(shadow, request, result);
      return result;
    } catch (error) {
      // Calls for unknown models are counted under "unknown": callers must not be able to mint label values.
      const seconds = (performance.now() - started) / 1000;
      this.telemetry?.recordRequest(served?.name ?? 'unknown', served?.version ?? '', mode, asTetraError(error).code, seconds);
      throw error;
    }
  }

  /**
   * Runs the call again on the shadow version once the caller has its
   * answer, and counts whether the two agree. A busy shadow is skipped
   * rather than queued: shadow traffic must not slow live traffic.
   */
  private shadow(shadow: ServedModel, request: InferRequest, primary: InferResult): void {
    const record = (outcome: 'agree' | 'disagree' | 'failed' | 'skipped'): void => {
      try {
        this.telemetry?.recordShadow(shadow.name, primary.version, shadow.version, outcome);
      } catch {
        // Metrics must not turn into an unhandled rejection.
      }
    };
    if (shadow.batcher.pendingRows >= shadow.batcher.options.maxBatchSize) return record('skipped');
    const copy: InferRequest = { ...request, version: shadow.version, signal: undefined, timeoutMs: undefined, deadline: undefined };
    setImmediate(() => {
      // Through a promise: a call refused at once must count as failed, not escape the timer.
      Promise.resolve(copy).then((call) => this.inferServed(shadow, call)).then(
        (answer) => record(sameAnswer(primary, answer, shadow.schema.outputs.labelField) ? 'agree' : 'disagree'),
        () => record('failed'),
      );
    });
  }

  /** Not async: the caller awaits the call's own promise, one promise and two turns fewer per call. A bad request throws. */
  private inferServed(served: ServedModel, request: InferRequest): Promise<InferResult> {
    if (request.records && request.tensors) {
      throw new TetraError('INPUT_MALFORMED', 'give either records or tensors, not both', { model: request.model });
    }
    if (request.records) return this.inferRecords(served, request);
    if (request.tensors) return this.inferTensors(served, request, request.tensors);
    throw new TetraError('INPUT_MALFORMED', 'the request has neither records nor tensors', { model: request.model });
  }

  /** True when every model in the repository is loaded. */
  ready(): boolean {
    return this.repository.ready();
  }

  /** Name, versions, signature and features of a model. */
  metadata(model: string, version?: string): ModelMetadata {
    const served = this.repository.resolve(model, version);
    const versions = this.repository.status(model).versions.filter((v) => v.state === 'ready').map((v) => v.version);
    return describeServedModel(served, versions);
  }

  private async inferRecords(served: ServedModel, request: InferRequest): Promise<InferResult> {
    const { encoder, inputTensor } = served.schema;
    if (!encoder || !inputTensor) {
      throw new TetraError('INPUT_MALFORMED', `model "${served.name}" takes tensors, not records: its inputs are ${served.model.signature.inputs.map((s) => s.name).join(', ')}`, { model: served.name });
    }
    const firstRow = request.firstRow ?? 0;
    // No lookup, no await: most models have no online features and this runs for every call.
    const enriched = served.enricher ? await enrichRecords(served, request, firstRow, this.telemetry) : undefined;
    const records = enriched ? enriched.records : (request.records ?? []);
    const encoded = request.keepGoing ? encodeLenientSkipping(encoder, records, firstRow, enriched ? enriched.rejected : []) : undefined;
    const matrix = encoded ? encoded.tensor : encoder.encode(records, firstRow);
    const rows = matrix.shape[0] as number;
    const outputs = rows === 0 ? {} : await this.run(served, request, { [inputTensor]: matrix });
    const predictions = rows === 0 ? [] : decodeOutputs(served.schema.outputs, outputs, rows);
    return {
      model: served.name, version: served.version, predictions,
      ...(encoded ? { rows: encoded.rows, rejected: encoded.rejected } : {}),
      ...(request.returnTensors ? { tensors: inSignatureOrder(outputs, served) } : {}),
    };
  }

  private async inferTensors(served: ServedModel, request: InferRequest, tensors: TensorMap): Promise<InferResult> {
    const known = served.model.signature.outputs.map((o) => o.name);
    for (const name of request.outputs ?? []) {
      if (!known.includes(name)) {
        throw new TetraError('INPUT_OUTPUT_UNKNOWN', `model "${served.name}" has no output "${name}" (outputs: ${known.join(', ')})`, { field: name, model: served.name });
      }
    }
    const outputs = await this.run(served, request, tensors, request.outputs);
    return { model: served.name, version: served.version, tensors: inSignatureOrder(outputs, served) };
  }

  private run(served: ServedModel, request: InferRequest, inputs: TensorMap, outputs?: readonly string[]): Promise<TensorMap> {
    const deadline = request.deadline ?? (served.defaultTimeoutMs !== undefined ? Date.now() + served.defaultTimeoutMs : undefined);
    // A reload may have retired this version while the call awaited its feature lookup: the newest version takes it.
    const target = served.batcher.closing && request.version === undefined ? this.repository.resolve(served.name) : served;
    return target.batcher.submit({ inputs, outputs }, { deadline, signal: request.signal });
  }
}

/**
 * Outputs in the order the answering version's signature lists them,
 * whatever order the runtime returned. Done here, where that version is at
 * hand: once it has answered, a reload may already have unloaded it.
 */
function inSignatureOrder(tensors: TensorMap, served: ServedModel): TensorMap {
  const sorted: TensorMap = {};
  for (const { name } of served.model.signature.outputs) if (tensors[name]) sorted[name] = tensors[name];
  for (const [name, t] of Object.entries(tensors)) if (!sorted[name]) sorted[name] = t;
  return sorted;
}

/** The caller's budget becomes one absolute deadline, shared by the feature lookup and the model call. */
function withDeadline(request: InferRequest): InferRequest {
  if (request.timeoutMs === undefined || request.deadline !== undefined) return request;
  return { ...request, deadline: Date.now() + request.timeoutMs };
}

function sameAnswer(primary: InferResult, shadow: InferResult, labelField: string): boolean {
  if (primary.predictions && shadow.predictions) return predictionsAgree(primary.predictions, shadow.predictions, labelField);
  if (primary.tensors && shadow.tensors) return tensorsAgree(primary.tensors, shadow.tensors);
  return false;
}

/** Online feature lookups (model.yaml `online_features`) fill in what the records leave out; tensor calls never get here. */
async function enrichRecords(served: ServedModel, request: InferRequest, firstRow: number, observer: LookupObserver | undefined): Promise<EnrichedBatch> {
  const records = request.records ?? [];
  if (!served.enricher) return { records, rejected: [] };
  const timeLeftMs = request.deadline !== undefined ? Math.max(0, request.deadline - Date.now()) : undefined;
  return served.enricher.enrich(records, { firstRow, lenient: request.keepGoing === true, signal: request.signal, observer, ...(timeLeftMs !== undefined ? { timeoutMs: timeLeftMs } : {}) });
}
