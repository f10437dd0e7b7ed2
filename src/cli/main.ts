import { parseArgs } from 'node:util';
import { TetraError, loadTetraConfig } from '../core/index.ts';
import { jobOptions } from './job-options.ts';
import { DATASET_FORMATS, type DatasetFormat } from './dataset-format.ts';
import type { ProgressStyle } from '../modes/batch/index.ts';
import type { BatchOptions } from './commands/batch.ts';
import { INPUT_FORMATS, type InputFormat } from './input-source.ts';
import { USAGE } from './usage.ts';

// Each command's module is loaded when it runs: `tetra batch` does not load the HTTP server, brokers and queues `tetra serve` needs.
const commands = {
  models: () => import('./commands/models.ts'),
  predict: () => import('./commands/predict.ts'),
  batch: () => import('./commands/batch.ts'),
  schedule: () => import('./commands/schedule.ts'),
  serve: () => import('./commands/serve.ts'),
};

/** Raised for a wrong command line: printed with a hint, exit code 2. */
class UsageError extends Error {}

const OPTIONS = {
  repo: { type: 'string' },
  'model-version': { type: 'string' },
  'keep-going': { type: 'boolean' },
  input: { type: 'string' },
  format: { type: 'string' },
  delimiter: { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  model: { type: 'string', multiple: true },
  output: { type: 'string' },
  'input-format': { type: 'string' },
  'output-format': { type: 'string' },
  'keep-columns': { type: 'string' },
  rejects: { type: 'string' },
  'max-rejects': { type: 'string' },
  'chunk-rows': { type: 'string' },
  'commit-rows': { type: 'string' },
  shard: { type: 'string' },
  'shard-key': { type: 'string' },
  force: { type: 'boolean' },
  'if-exists': { type: 'string' },
  workers: { type: 'string' },
  'model-threads': { type: 'string' },
  summary: { type: 'string' },
  progress: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Runs the command line; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return (await dispatch(argv)) ?? 0;
  } catch (error) {
    return report(error);
  }
}

async function dispatch(argv: readonly string[]): Promise<number | void> {
  const { values, positionals } = parse(argv);
  if (values.version) {
    process.stdout.write(`tetra ${await packageVersion()}\n`);
    return;
  }
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return;
  }
  const repo = values.repo ?? process.env.TETRA_REPO ?? 'models';
  const [command, ...rest] = positionals;
  if (command === 'serve' && rest.length > 0) throw new UsageError(`serve takes no arguments (got "${rest.join(' ')}"); use --repo DIR or --model NAME=PATH`);
  if (command === 'models') {
    const [sub, model] = rest;
    if (sub === 'list') return (await commands.models()).modelsListCommand({ repo, json: values.json });
    if (sub === 'inspect' && model) return (await commands.models()).modelsInspectCommand({ model, repo, version: values['model-version'], json: values.json });
    throw new UsageError(sub === 'inspect' ? 'models inspect needs a model name or file' : 'expected "models list" or "models inspect <model>"');
  }
  if (command === 'predict') {
    const [model] = rest;
    if (!model) throw new UsageError('predict needs a model name or file');
    return (await commands.predict()).predictCommand({
      model, repo, version: values['model-version'], input: values.input, delimiter: values.delimiter, keepGoing: values['keep-going'],
      format: inputFormat(values.format), batchSize: positiveInt(values['batch-size'], '--batch-size'),
    });
  }
  if (command === 'batch') return rest.length === 1 && values.model === undefined ? declaredJob(rest[0] as string, values) : batch(rest, values, repo);
  if (command === 'schedule') {
    if (rest.length > 0) throw new UsageError(`schedule takes no arguments (got "${rest.join(' ')}"); its jobs come from tetra.yaml`);
    return (await commands.schedule()).scheduleCommand({ config: values.config, host: values.host, port: values.port === undefined ? undefined : port(values.port) });
  }
  if (command === 'serve') {
    return (await commands.serve()).serveCommand({
      config: values.config, repo: values.repo, host: values.host, models: values.model ?? [],
      port: values.port === undefined ? undefined : port(values.port),
    });
  }
  throw new UsageError(`unknown command "${command}"`);
}

type Values = ReturnType<typeof parse>['values'];

async function batch(rest: readonly string[], values: Values, repo: string): Promise<number> {
  if (rest.length > 0) throw new UsageError(`batch takes no arguments (got "${rest.join(' ')}"); use --model, --input and --output`);
  const model = values.model?.[0];
  if (!model || values.model?.length !== 1) throw new UsageError('batch needs exactly one --model (a model name or file)');
  if (!values.input) throw new UsageError('batch needs --input (a file, folder, glob, or - for stdin)');
  if (!values.output) throw new UsageError('batch needs --output (a file, or - for stdout)');
  return (await commands.batch()).batchCommand({
    model, repo, version: values['model-version'], input: values.input, output: values.output,
    inputFormat: datasetFormat(values['input-format'], '--input-format'), outputFormat: datasetFormat(values['output-format'], '--output-format'),
    delimiter: values.delimiter, keepColumns: values['keep-columns'], rejects: values.rejects, maxRejects: values['max-rejects'],
    chunkRows: positiveInt(values['chunk-rows'], '--chunk-rows'), commitRows: positiveInt(values['commit-rows'], '--commit-rows'), shard: values.shard, shardKey: values['shard-key'],
    force: values.force, summary: values.summary, progress: progressStyle(values.progress), ifExists: ifExists(values['if-exists']),
    ...threadOptions(values),
  });
}

/** `--workers` and `--model-threads`: one kind of threads or the other. */
function threadOptions(values: Values): { workers?: number; modelThreads?: number } {
  const workers = nonNegativeInt(values.workers, '--workers');
  const modelThreads = nonNegativeInt(values['model-threads'], '--model-threads');
  if (workers !== undefined && modelThreads !== undefined) {
    throw new UsageError('give --workers (threads that parse and score) or --model-threads (threads that run the model), not both');
  }
  return { ...(workers !== undefined ? { workers } : {}), ...(modelThreads !== undefined ? { modelThreads } : {}) };
}

/** A thread flag on the command line replaces the job's thread settings, whichever kind each names. */
function threadFlagsOver(job: BatchOptions, flags: ReturnType<typeof threadOptions>): Pick<BatchOptions, 'workers' | 'modelThreads'> {
  if (flags.workers === undefined && flags.modelThreads === undefined) return { workers: job.workers, modelThreads: job.modelThreads };
  return { workers: flags.workers, modelThreads: flags.modelThreads };
}

/** `tetra batch <job>`: a job declared in tetra.yaml; flags given on the command line win over its settings. */
async function declaredJob(name: string, values: Values): Promise<number> {
  const config = await loadTetraConfig({ file: values.config });
  const job = jobOptions(config, name, new Date());
  return (await commands.batch()).batchCommand({
    ...job, force: values.force ?? job.force, progress: progressStyle(values.progress), ...threadFlagsOver(job, threadOptions(values)),
    ...(values.shard ? { shard: values.shard } : {}), ...(values['shard-key'] ? { shardKey: values['shard-key'] } : {}),
    ...(values.summary ? { summary: values.summary } : {}),
  });
}

function datasetFormat(value: string | undefined, flag: string): DatasetFormat | undefined {
  if (value === undefined || (DATASET_FORMATS as readonly string[]).includes(value)) return value as DatasetFormat | undefined;
  throw new UsageError(`${flag} must be one of ${DATASET_FORMATS.join(', ')}, got "${value}"`);
}

function ifExists(value: string | undefined): 'fail' | 'append' | 'replace' | undefined {
  if (value === undefined || value === 'fail' || value === 'append' || value === 'replace') return value;
  throw new UsageError(`--if-exists must be fail, append or replace, got "${value}"`);
}

function progressStyle(value: string | undefined): ProgressStyle | undefined {
  if (value === undefined || value === 'bar' || value === 'log' || value === 'none') return value;
  throw new UsageError(`--progress must be bar, log or none, got "${value}"`);
}

function parse(argv: readonly string[]): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function inputFormat(value: string | undefined): InputFormat | undefined {
  if (value === undefined || (INPUT_FORMATS as readonly string[]).includes(value)) return value as InputFormat | undefined;
  throw new UsageError(`--format must be one of ${INPUT_FORMATS.join(', ')}, got "${value}"`);
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a port number, got "${value}"`);
  return n;
}

function nonNegativeInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be 0 or a positive integer, got "${value}"`);
  return n;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version;
}

/** One readable line on stderr; the exit code says what kind of failure. */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`tetra: ${error.message}\nRun "tetra --help" for usage.\n`);
    return 2;
  }
  if (TetraError.is(error)) {
    process.stderr.write(`tetra: ${error.message} [${error.code}]\n`);
    return 1;
  }
  process.stderr.write(`tetra: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.TETRA_DEBUG) console.error(error);
  return 70;
}
