import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TetraError, type InferenceService, type InputRecord, type ModelRepository, type PredictionRecord } from '../../../core/index.ts';
import { callContext } from '../call-context.ts';
import { parseJsonBody } from '../request-options.ts';

/** Splits CSV text into rows of cells (injected: CSV parsing is an adapter). */
export type CsvRows = (text: string) => string[][];

const TARGET_MODEL_HEADER = 'x-amzn-sagemaker-target-model';

/**
 * The SageMaker container contract: `POST /invocations` with JSON records,
 * JSON Lines or CSV rows, answered in the format the Accept header asks
 * for. The model is the one named by X-Amzn-SageMaker-Target-Model (as a
 * name, or an artifact name like `fraud.tar.gz`) or the only/first model.
 */
export function sagemakerRoutes(app: FastifyInstance, service: InferenceService, repository: ModelRepository, csvRows: CsvRows): void {
  app.post('/invocations', async (request, reply) => {
    const model = targetModel(request, repository);
    const records = decodeInvocation(request, model, repository, csvRows);
    const result = await service.infer({ model, records, ...callContext(request) });
    return sendPredictions(request, reply, result.predictions ?? []);
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

function decodeInvocation(request: FastifyRequest, model: string, repository: ModelRepository, csvRows: CsvRows): InputRecord[] {
  const type = (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  const text = (): string => (Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
  if (type === 'application/json') return jsonRecords(parseJsonBody(request.body));
  if (type === 'text/csv') return csvRecords(csvRows(text()), featureNames(repository, model));
  if (type === 'application/jsonlines' || type === 'application/x-ndjson') return jsonLines(text());
  throw new TetraError('INPUT_MALFORMED', `content type ${type} is not supported: send application/json, application/jsonlines or text/csv`, { field: 'content-type' });
}

function featureNames(repository: ModelRepository, model: string): string[] {
  return repository.resolve(model).schema.encoder?.features.map((f) => f.name) ?? [];
}

/** CSV rows are feature values in schema order; a first row of feature names is a header and is skipped. */
function csvRecords(rows: string[][], names: string[]): InputRecord[] {
  const first = rows[0];
  const isHeader = first !== undefined && first.length === names.length && first.every((cell, i) => cell.trim() === names[i]);
  const body = isHeader ? rows.slice(1) : rows;
  return body.map((cells, row) => {
    if (cells.length !== names.length) {
      throw new TetraError('INPUT_MALFORMED', `row ${row}: ${cells.length} values but the model takes ${names.length} features (${names.join(', ')})`, { row });
    }
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}

function jsonLines(text: string): InputRecord[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((line, row) => {
    const value = parseJsonBody(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TetraError('INPUT_MALFORMED', `line ${row + 1}: expected a JSON object`, { line: row + 1 });
    return value as InputRecord;
  });
}

/** `{"instances": [...]}`, a list of records, or one record. */
function jsonRecords(body: unknown): InputRecord[] {
  if (Array.isArray(body)) return body as InputRecord[];
  const instances = (body as { instances?: unknown } | null)?.instances;
  if (Array.isArray(instances)) return instances as InputRecord[];
  if (typeof body === 'object' && body !== null) return [body as InputRecord];
  throw new TetraError('INPUT_MALFORMED', 'expected a JSON record, a list of records or {"instances": [...]}');
}

const OUTPUT_TYPES = new Set(['application/json', 'application/jsonlines', 'text/csv']);

/** The output type the Accept header ranks highest (by q, then order) among those Tetra writes; JSON otherwise. */
function preferredOutput(accept: string | undefined): string {
  const ranked = (accept ?? '').split(',').map((part, order) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim());
    const q = params.find((p) => /^q=/i.test(p));
    return { type: type.toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)), order };
  });
  ranked.sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked.find((r) => r.q > 0 && OUTPUT_TYPES.has(r.type))?.type ?? 'application/json';
}

function sendPredictions(request: FastifyRequest, reply: FastifyReply, predictions: PredictionRecord[]): FastifyReply {
  const accept = preferredOutput(request.headers.accept);
  if (accept === 'text/csv') {
    const lines = predictions.map((p) => Object.values(p).map(csvCell).join(','));
    return reply.header('content-type', 'text/csv').send(lines.join('\n') + '\n');
  }
  if (accept === 'application/jsonlines') {
    return reply.header('content-type', 'application/jsonlines').send(predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
  }
  return reply.header('content-type', 'application/json').send({ predictions });
}

function csvCell(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
