import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TetraError, dtypesTaken, halfBitsToNumber, type InferenceService, type InputRecord, type ModelRepository, type Tensor, type TensorMap, type TensorSpec } from '../../../core/index.ts';
import { callContext, type CallContext } from '../call-context.ts';
import { decodeInferRequest, encodeInferResponse, HEADER_LENGTH_HEADER, modelMetadata, oipFromDType, platformOf, serverMetadata, type OipInferRequest } from '../oip/index.ts';

const SERVER_NAME = 'tetra';
const SERVER_VERSION = '0.1.0';

type Params = { name: string; version?: string };

/**
 * The Open Inference Protocol v2 (KServe V2) REST API: server and model
 * metadata and readiness, and inference with JSON or binary tensors.
 * Inputs named like the model's inputs are tensors; inputs named like its
 * features (one column each) are turned into records and go through the
 * model's schema, as MLServer's columnar requests do.
 */
export function oipRoutes(app: FastifyInstance, service: InferenceService, repository: ModelRepository): void {
  app.get('/v2', async () => serverMetadata({ name: SERVER_NAME, version: SERVER_VERSION }));
  const metadata = async (request: FastifyRequest<{ Params: Params }>) => {
    const meta = service.metadata(request.params.name, request.params.version);
    return modelMetadata({ name: meta.name, versions: meta.versions, platform: platformOf(meta.runtime as Parameters<typeof platformOf>[0]), signature: { inputs: meta.inputs, outputs: meta.outputs } });
  };
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  /** 200 `{name, ready: true}` or 503 `{name, ready: false}`; an unknown model or version is 404. */
  const ready = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { name, version } = request.params;
    let ok = true;
    try {
      repository.resolve(name, version);
    } catch (error) {
      if (!TetraError.is(error) || error.code !== 'MODEL_NOT_READY') throw error;
      ok = false;
    }
    return reply.code(ok ? 200 : 503).send({ name, ready: ok });
  };
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);
  const infer = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const headerLength = request.headers[HEADER_LENGTH_HEADER.toLowerCase()];
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const decoded = decodeInferRequest(body, headerLength === undefined ? {} : { headerLength: Number(headerLength) });
    const ctx = withProtocolTimeout(callContext(request), decoded);
    const result = await inferDecoded(service, repository, request.params, decoded, ctx);
    const encoded = encodeInferResponse({
      modelName: result.model, modelVersion: result.version, outputs: result.tensors ?? {},
      ...(decoded.id !== undefined ? { id: decoded.id } : {}),
      ...(decoded.outputs ? { requested: decoded.outputs } : {}),
      binaryDefault: decoded.parameters.binary_data_output === true,
    });
    return reply.headers(encoded.headers).send(encoded.body);
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);
}

function inferDecoded(service: InferenceService, repository: ModelRepository, params: Params, decoded: OipInferRequest, ctx: CallContext) {
  const target = { model: params.name, ...(params.version !== undefined ? { version: params.version } : {}), ...ctx };
  const served = repository.resolve(params.name, params.version);
  const inputNames = served.model.signature.inputs.map((i) => i.name);
  const features = served.schema.encoder?.features.map((f) => f.name);
  const outputs = decoded.outputs?.map((o) => o.name);
  const sent = Object.keys(decoded.inputs);
  if (sent.every((n) => inputNames.includes(n)) || !features) {
    checkDatatypes(served.model.signature.inputs, decoded.inputs);
    return service.infer({ ...target, tensors: decoded.inputs, ...(outputs ? { outputs } : {}) });
  }
  // The online-features key (e.g. card_id) is a column too: the features it looks up may be left out.
  const key = served.enricher?.spec.keyField;
  const columns = key !== undefined && !features.includes(key) ? [...features, key] : features;
  const stranger = sent.find((n) => !inputNames.includes(n) && !columns.includes(n));
  if (stranger !== undefined) {
    throw new TetraError('INPUT_TENSOR_UNKNOWN', `input "${stranger}" is neither an input (${inputNames.join(', ')}) nor a feature of the model (${features.join(', ')})`, { field: stranger });
  }
  return service.infer({ ...target, records: columnsToRecords(decoded.inputs, columns), returnTensors: true });
}

/**
 * A tensor of a datatype the model does not take fails naming both in the
 * protocol's terms (`BYTES`, `FP32`), which is what the caller wrote; the
 * model's own check would name the runtime's (`string`, `float32`).
 */
function checkDatatypes(specs: readonly TensorSpec[], inputs: TensorMap): void {
  for (const spec of specs) {
    const t = inputs[spec.name];
    const taken = dtypesTaken(spec);
    if (!t || taken.includes(t.dtype)) continue;
    throw new TetraError('INPUT_TENSOR_DTYPE', `input tensor "${spec.name}" has datatype ${oipFromDType(t.dtype)}, but the model takes ${taken.map(oipFromDType).join(' or ')}`, { field: spec.name });
  }
}

/** The OIP `timeout` parameter is in microseconds (as Triton defines it); the Tetra-Timeout header wins. */
function withProtocolTimeout(ctx: CallContext, decoded: OipInferRequest): CallContext {
  const micros = decoded.parameters.timeout;
  if (micros === undefined || ctx.timeoutMs !== undefined) return ctx;
  if (typeof micros !== 'number' || !Number.isFinite(micros) || micros <= 0) {
    throw new TetraError('INPUT_MALFORMED', `parameters.timeout must be a positive number of microseconds, got ${JSON.stringify(micros)}`, { field: 'parameters.timeout' });
  }
  return { ...ctx, timeoutMs: micros / 1000 };
}

/** One input per feature, each `[N]` or `[N, 1]`, become N records. */
function columnsToRecords(inputs: TensorMap, features: readonly string[]): InputRecord[] {
  const entries = Object.entries(inputs);
  for (const [name] of entries) {
    if (!features.includes(name)) {
      throw new TetraError('INPUT_TENSOR_UNKNOWN', `input "${name}" is neither an input nor a feature of the model (features: ${features.join(', ')})`, { field: name });
    }
  }
  const rows = entries[0]?.[1].shape[0] ?? 0;
  const records: Record<string, unknown>[] = Array.from({ length: rows }, () => ({}));
  for (const [name, t] of entries) {
    if (t.shape[0] !== rows || t.data.length !== rows) {
      throw new TetraError('INPUT_TENSOR_SHAPE', `feature input "${name}" must have shape [${rows}] or [${rows}, 1] like the others, got [${t.shape.join(', ')}]`, { field: name });
    }
    for (let r = 0; r < rows; r++) (records[r] as Record<string, unknown>)[name] = plain(t, r);
  }
  return records;
}

function plain(t: Tensor, i: number): unknown {
  const v = (t.data as ArrayLike<unknown>)[i];
  if (typeof v === 'bigint') return Number(v);
  if (t.dtype === 'bool') return v === 1;
  if (t.dtype === 'float16') return halfBitsToNumber(v as number);
  return v;
}
