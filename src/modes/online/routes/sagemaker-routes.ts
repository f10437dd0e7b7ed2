import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TetraError, type InferenceService, type ModelRepository, type PredictionRecord } from '../../../core/index.ts';
import { callContext } from '../call-context.ts';
import { executionParameters, type SagemakerBatchSettings } from './sagemaker-batch.ts';
import { decodeInvocation, invocationFormat, type CsvRows, type InvocationFormat, type RecordTarget } from './sagemaker-records.ts';

export type { CsvRows } from './sagemaker-records.ts';

const TARGET_MODEL_HEADER = 'x-amzn-sagemaker-target-model';

/**
 * The SageMaker container contract: `POST /invocations` with JSON records,
 * JSON Lines or CSV rows, answered in the format the Accept header asks
 * for. The model is the one named by X-Amzn-SageMaker-Target-Model (as a
 * name, or an artifact name like `fraud.tar.gz`) or the only/first model.
 *
 * Batch Transform (`sagemaker.batch`, SAGEMAKER_BATCH=true): an answer
 * without a chosen Accept type mirrors the input (CSV in, CSV out; JSON in,
 * JSON Lines out) one line per input record, so SageMaker can assemble and
 * join outputs by line. `GET /execution-parameters` answers the parameters
 * SageMaker asks the container for (always: a job that names none asks).
 */
export function sagemakerRoutes(
  app: FastifyInstance,
  service: InferenceService,
  repository: ModelRepository,
  csvRows: CsvRows,
  batch: SagemakerBatchSettings,
): void {
  const parameters = executionParameters(batch, app.initialConfig.bodyLimit ?? 1024 * 1024);
  app.get('/execution-parameters', async () => parameters);
  app.post('/invocations', async (request, reply) => {
    const model = targetModel(request, repository);
    const format = invocationFormat(request.headers['content-type']);
    const records = decodeInvocation(format, request.body, recordTarget(repository, model), csvRows);
    const result = await service.infer({ model, records, ...callContext(request) });
    const output = preferredOutput(request.headers.accept, batch.batch ? mirrorOf(format) : 'application/json');
    return sendPredictions(reply, output, result.predictions ?? [], batch.batch);
  });
}

function targetModel(request: FastifyRequest, repository: ModelRepository): string {
  const header = request.headers[TARGET_MODEL_HEADER];
  const named = (Array.isArray(header) ? header[0] : header)?.replace(/\.tar\.gz$|\.tgz$/, '').split('/').pop();
  if (named) return named;
  const names = repository.names();
  if (names.length === 0) throw new TetraError('MODEL_NOT_FOUND', 'no model is loaded');
  return names[0] as string;
}

function recordTarget(repository: ModelRepository, model: string): RecordTarget {
  return { model, features: () => repository.resolve(model).schema.encoder?.features.map((f) => f.name) };
}

type OutputType = 'application/json' | 'application/jsonlines' | 'text/csv';
const OUTPUT_TYPES = new Set<string>(['application/json', 'application/jsonlines', 'text/csv']);

/** One output line per input record: CSV for CSV, JSON Lines for JSON and JSON Lines. */
function mirrorOf(format: InvocationFormat): OutputType {
  return format === 'text/csv' ? 'text/csv' : 'application/jsonlines';
}

/** The output type the Accept header ranks highest (by q, then order) among those Tetra writes; `fallback` when it names none. */
function preferredOutput(accept: string | undefined, fallback: OutputType): OutputType {
  const ranked = (accept ?? '').split(',').map((part, order) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim());
    const q = params.find((p) => /^q=/i.test(p));
    return { type: type.toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)), order };
  });
  ranked.sort((a, b) => b.q - a.q || a.order - b.order);
  return (ranked.find((r) => r.q > 0 && OUTPUT_TYPES.has(r.type))?.type as OutputType | undefined) ?? fallback;
}

/**
 * Lines end with a newline, except in Batch Transform: there SageMaker adds
 * the newline after each response itself (AssembleWith=Line), and a final
 * one of ours would leave blank lines in the output file.
 */
function sendPredictions(reply: FastifyReply, type: OutputType, predictions: PredictionRecord[], batch: boolean): FastifyReply {
  if (type === 'application/json') return reply.header('content-type', 'application/json').send({ predictions });
  const lines = type === 'text/csv' ? predictions.map((p) => Object.values(p).map(csvCell).join(',')) : predictions.map((p) => JSON.stringify(p));
  const text = lines.join('\n') + (batch || lines.length === 0 ? '' : '\n');
  return reply.header('content-type', type).send(text);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
