import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { TextDatasetReader } from '../../adapters/io/text-dataset-reader.ts';
import { ParquetReader } from '../../adapters/io/parquet-reader.ts';
import { ModelThreadPool, ParquetRangeScoring, TextPieceScoring } from '../batch-threads.ts';
import { ThreadedModel } from '../../modes/batch/threaded-model.ts';
// From the modules themselves: the batch mode's index also holds the scheduler and its metrics, which one job does not need.
import { runBatchJob, type ParallelScoring } from '../../modes/batch/batch-job.ts';
import { EXIT_CODES, formatSummary, type BatchSummary } from '../../modes/batch/job-summary.ts';
import { ProgressReporter, type ProgressStyle } from '../../modes/batch/progress-reporter.ts';
import { parseRejectLimit } from '../../modes/batch/reject-limit.ts';
import { parseShard } from '../../modes/batch/shard.ts';
import type { DatasetReader, ModelRepository, ModelRepositoryOptions } from '../../core/index.ts';
import { summaryPathFor, type JobFileNames } from '../../adapters/io/job-files.ts';
import type { IfExists } from '../../adapters/io/postgres-writer.ts';
import { isDatabase, type DatasetFormat } from '../dataset-format.ts';
import { openInput, openOutput, openRejects, rejectsPath } from '../dataset-io.ts';
import { inputLocation, inputStamps, modelDigest } from '../job-identity.ts';
import { inputFiles } from '../input-files.ts';
import { openModel } from '../open-model.ts';
import { writeErr } from '../output.ts';

export interface BatchOptions {
  readonly model: string;
  readonly repo: string;
  readonly version?: string;
  readonly input: string;
  readonly output: string;
  readonly inputFormat?: DatasetFormat;
  readonly outputFormat?: DatasetFormat;
  readonly delimiter?: string;
  /** `all` or a comma-separated list of input columns to copy into the output. */
  readonly keepColumns?: string;
  readonly rejects?: string;
  readonly maxRejects?: string;
  readonly chunkRows?: number;
  /** Input rows per commit (the resume point, and a Parquet row group). */
  readonly commitRows?: number;
  readonly shard?: string;
  readonly shardKey?: string;
  readonly force?: boolean;
  /** A database output table that already holds rows: fail, append or replace (default: replace with --force, else fail). */
  readonly ifExists?: IfExists;
  /** Where the JSON summary goes; default beside a file output. */
  readonly summary?: string;
  readonly progress?: ProgressStyle;
  readonly job?: string;
  /** Worker threads that parse and score file inputs; 0 scores on the main thread. Default: see defaultThreads. */
  readonly workers?: number;
  /** Worker threads that only run the model while the main thread reads, encodes and writes (any input); not with `workers`. Default: see defaultThreads. */
  readonly modelThreads?: number;
}

export const DEFAULT_CHUNK_ROWS = 4096;
/** 16 chunks: few enough fsyncs and manifest writes to stay out of the way, Parquet row groups of a useful size. */
export const DEFAULT_COMMIT_ROWS = 65_536;

/**
 * `tetra batch`: scores a dataset into an output, resumably. Returns the
 * exit code: 0 done, 3 done with rejected rows, 1 failed.
 */
export async function batchCommand(options: BatchOptions): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await runBatch(options, controller.signal);
    writeErr(formatSummary(summary));
    return EXIT_CODES[summary.status];
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/**
 * One run of a batch job: loads the model, scores the input and writes the
 * summary file. Throws only for what stops it before the job starts (a
 * wrong option, a model that does not load); the summary tells the rest.
 */
export async function runBatch(options: BatchOptions, signal?: AbortSignal): Promise<BatchSummary> {
  const shard = options.shard ? parseShard(options.shard) : undefined;
  const maxRejects = options.maxRejects ? parseRejectLimit(options.maxRejects) : undefined;
  const summaryPath = options.summary ?? (options.output === '-' || isDatabase(options.output) ? undefined : summaryPathFor(options.output));
  const own: JobFileNames = {
    output: options.output === '-' || isDatabase(options.output) ? undefined : options.output,
    rejects: rejectsPath(options.output, options.rejects),
    summary: summaryPath,
  };
  const files = isDatabase(options.input) ? undefined : await inputFiles(options.input, own, (others) => {
    writeErr(`tetra batch: not reading ${others.length} file${others.length === 1 ? '' : 's'} other Tetra jobs wrote (name one as --input to read it): ${others.join(', ')}\n`);
  });
  const stamps = await inputStamps(files);
  const reader = await openInput({ input: options.input, format: options.inputFormat, delimiter: options.delimiter, shard, shardKey: options.shardKey, own, files });
  const writer = await openOutput({ output: options.output, format: options.outputFormat, delimiter: options.delimiter, ifExists: options.ifExists ?? (options.force ? 'replace' : undefined) });
  const progress = new ProgressReporter(process.stderr, options.progress ?? (options.job && !process.stderr.isTTY ? 'log' : undefined));
  let parallel: ParallelScoring | undefined;
  let modelThreads: ModelThreadPool | undefined;
  let repository: ModelRepository | undefined;
  let summary: BatchSummary;
  try {
    // Asked before any thread starts, so a job refused (another job writes the output) starts none; the job is handed the answer.
    const lock = writer.lock();
    const locked = await lock.then(() => true, () => false);
    // Read once, here and for the job: an output holding a finished job (not redone without --force) needs no threads.
    const manifest = locked && !options.force && writer.resumable ? writer.readManifest() : undefined;
    // A manifest that cannot be read is the job's to report.
    const finished = (await manifest?.catch(() => undefined))?.finished === true;
    // Started before this thread loads the model, so the threads load their code meanwhile.
    const threads = locked && !finished ? await startThreads(reader, options, stamps?.reduce((sum, [, size]) => sum + size, 0)) : undefined;
    parallel = threads?.parallel;
    modelThreads = threads?.model;
    const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
    const chunksAtOnce = modelThreads ? modelThreads.capacity + 1 : 1;
    // A job refused (another job writes the output) fails at once: it has no use for the model.
    const opened = locked ? await openModel(options.model, options.repo, options.version, modelThreads ? runOnThreads(modelThreads, chunksAtOnce, chunkRows) : {}) : undefined;
    repository = opened?.repository;
    // The version the job scores with, as the job resolves it: the threads load exactly that one.
    if (opened && modelThreads) modelThreads.load(opened.name, opened.service.metadata(opened.name, options.version).version);
    const model = opened ? await modelDigest(opened.repository, opened.name, options.version) : undefined;
    summary = await runBatchJob({
      service: opened?.service, model: opened?.name ?? options.model, version: options.version, reader, parallel,
      ...(modelThreads ? { chunksAtOnce, modelThreads } : {}),
      writer, lock, manifest,
      rejects: openRejects(options.output, options.rejects),
      chunkRows,
      commitRows: options.commitRows ?? DEFAULT_COMMIT_ROWS,
      keepColumns: keepList(options.keepColumns), maxRejects, force: options.force, job: options.job,
      identity: {
        shard: options.shard, shardKey: options.shardKey, delimiter: options.delimiter, inputFormat: options.inputFormat, outputFormat: options.outputFormat,
        inputLocation: inputLocation(options.input), inputFiles: stamps, modelDigest: model,
      },
      signal, onProgress: progress.update,
      onWarning: (message) => progress.message(`tetra batch: ${message}`),
    });
  } finally {
    progress.done();
    // The job closes them once it runs; a model that fails to load must leave neither threads running nor the output locked.
    await Promise.allSettled([parallel?.close(), modelThreads?.close(), reader.close(), writer.close()]);
    await repository?.close();
  }
  // A job refused by another's lock never owned the output: the summary beside it is the other job's to write.
  if (summaryPath && summary.status !== 'already-done' && summary.error?.code !== 'JOB_LOCKED') {
    try {
      await writeFile(summaryPath, JSON.stringify(summary, null, 2) + '\n');
    } catch (error) {
      // The job's own outcome (often the reason this fails too: a missing folder) must still be told.
      writeErr(`tetra batch: the summary file ${summaryPath} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})\n`);
    }
  }
  return summary;
}

/**
 * Text inputs smaller than this are scored on the main thread by default. A
 * thread spends about a second loading its code and model and warming up
 * before it scores at full speed: on two cores, 200k rows of 30 columns
 * (38 MiB) took 2.2-2.7 s with two threads and 1.5-2.0 s without, and
 * threads paid off only from about a million rows (190 MiB).
 */
export const THREADS_FROM_BYTES = 64 * 1024 * 1024;

/**
 * Parquet inputs of fewer rows than this are scored on the main thread by
 * default. A thread takes a whole row group at a time and starts with no
 * head start from this one: 300k rows measured even on two cores, 500k
 * about a tenth faster with threads, a million 12-24% faster.
 */
export const PARQUET_THREADS_FROM_ROWS = 500_000;

/**
 * What the threads scoring a Parquet input may hold by default. Each
 * holds the row group it decodes, several times its size once decoded,
 * and this thread the scored rows of a range per thread: with DuckDB's
 * groups of 123k rows x 30 columns (14 MiB uncompressed) each thread
 * added 100-165 MB, the most keeping every column.
 */
export const PARQUET_THREADS_MEMORY = 768 * 1024 * 1024;

/** What a thread is counted to hold per uncompressed byte of the largest row group (see PARQUET_THREADS_MEMORY). */
export const PARQUET_BYTES_PER_GROUP_BYTE = 12;

/** What decides the default threads: a text input's bytes (unknown for stdin); a Parquet input's rows and row groups. */
export type InputExtent =
  | { readonly format: 'text'; readonly bytes: number | undefined }
  | { readonly format: 'parquet'; readonly rows: number; readonly rowGroups: number; readonly largestGroupBytes: number | undefined };

/**
 * The worker threads that parse and score a job's input (`--workers`),
 * counted as `defaultThreads` counts them on more than two cores. CSV and
 * JSON Lines: one per core from THREADS_FROM_BYTES (or of unknown size),
 * else none. Parquet from PARQUET_THREADS_FROM_ROWS rows: one per core, but
 * no more than there are row groups to share out nor than fit
 * PARQUET_THREADS_MEMORY, and none unless at least two do (one thread
 * would only move the work) or when a row group's size is unknown.
 */
export function defaultWorkers(input: InputExtent, cores: number): number {
  if (input.format === 'text') return input.bytes !== undefined && input.bytes < THREADS_FROM_BYTES ? 0 : cores;
  if (input.rows < PARQUET_THREADS_FROM_ROWS || input.largestGroupBytes === undefined) return 0;
  const fit = Math.floor(PARQUET_THREADS_MEMORY / (PARQUET_BYTES_PER_GROUP_BYTE * Math.max(1, input.largestGroupBytes)));
  const threads = Math.min(cores, input.rowGroups, fit);
  return threads >= 2 ? threads : 0;
}

/** How a job uses threads: none, threads that parse and score pieces of the input, or threads that only run the model. */
export type ThreadChoice =
  | { readonly kind: 'none' }
  | { readonly kind: 'pieces'; readonly threads: number }
  | { readonly kind: 'model'; readonly threads: number };

/**
 * The threads a job gets when neither `--workers` nor `--model-threads` is
 * given, for inputs large enough to repay a thread's start (the size
 * thresholds above). On two cores, one model thread: the main thread
 * reads, encodes and writes, and runs the model itself when the thread
 * is busy. Measured on two cores against two threads that parse and score
 * pieces, it scored Parquet 15% faster (4.9-5.3 s against 5.9-6.2 s for
 * 1M rows) with a third less CPU time and memory, and CSV as fast with
 * less CPU time. The main thread parses alone, though, at about 500k rows
 * a second: with more cores, threads that parse too are the ones that
 * scale, and are chosen as defaultWorkers counts them.
 */
export function defaultThreads(input: InputExtent, cores: number): ThreadChoice {
  if (cores > 2) {
    const threads = defaultWorkers(input, cores);
    return threads > 0 ? { kind: 'pieces', threads } : { kind: 'none' };
  }
  const large = input.format === 'text' ? input.bytes === undefined || input.bytes >= THREADS_FROM_BYTES : input.rows >= PARQUET_THREADS_FROM_ROWS;
  return large && cores === 2 ? { kind: 'model', threads: 1 } : { kind: 'none' };
}

function keepList(text: string | undefined): 'all' | string[] | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === 'all') return 'all';
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The threads a job runs with: either kind, or none. */
interface JobThreads {
  readonly parallel?: ParallelScoring;
  readonly model?: ModelThreadPool;
}

/**
 * Starts the job's threads (see defaultThreads), before this thread loads
 * the model, so they load their code meanwhile. Threads that parse and
 * score need an input that can be split: CSV, JSON Lines and Parquet
 * files; by default this thread also scores text pieces until a thread is
 * ready, and `--workers N` scores on exactly those N threads. Model
 * threads take any input.
 */
async function startThreads(reader: DatasetReader, options: BatchOptions, inputBytes: number | undefined): Promise<JobThreads | undefined> {
  const choice = await chosenThreads(reader, options, inputBytes);
  const model = { repo: options.repo, target: options.model };
  if (choice.kind === 'model') return { model: new ModelThreadPool(model, choice.threads) };
  if (choice.kind === 'none') return undefined;
  if (reader instanceof TextDatasetReader && reader.splittable) return { parallel: new TextPieceScoring(reader, model, choice.threads, options.workers === undefined) };
  if (reader instanceof ParquetReader) return { parallel: new ParquetRangeScoring(reader, model, choice.threads) };
  return undefined;
}

async function chosenThreads(reader: DatasetReader, options: BatchOptions, inputBytes: number | undefined): Promise<ThreadChoice> {
  if (options.workers !== undefined) return options.workers > 0 ? { kind: 'pieces', threads: options.workers } : { kind: 'none' };
  if (options.modelThreads !== undefined) return options.modelThreads > 0 ? { kind: 'model', threads: options.modelThreads } : { kind: 'none' };
  if (!(reader instanceof TextDatasetReader || reader instanceof ParquetReader)) return { kind: 'none' };
  const extent = async (): Promise<InputExtent> => {
    if (!(reader instanceof ParquetReader)) return { format: 'text', bytes: inputBytes };
    const groups = await reader.rowGroups();
    return { format: 'parquet', rows: (await reader.size()).rows ?? 0, rowGroups: groups.count, largestGroupBytes: groups.largestBytes };
  };
  // A footer that cannot be read is the job's to report, with its summary: here it only means no threads.
  return extent().then((e) => defaultThreads(e, availableParallelism()), () => ({ kind: 'none' }) as const);
}

/**
 * How the job's model is loaded to run on `threads`: wrapped in a
 * ThreadedModel, with a batcher that takes the `chunksAtOnce` chunks the
 * job scores at once (whatever model.yaml sets for serving). Every model
 * and version the repository loads is wrapped, but the threads take runs
 * only of the one they are told to load (see ModelThreadPool.load), the
 * job's, not of the models it may call nor of other versions.
 */
function runOnThreads(threads: ModelThreadPool, chunksAtOnce: number, chunkRows: number): Pick<ModelRepositoryOptions, 'wrapModel' | 'batchingOverride'> {
  return {
    wrapModel: (model, name, version) => new ThreadedModel(model, threads, name, version),
    batchingOverride: { concurrency: chunksAtOnce, maxQueueRows: chunksAtOnce * chunkRows },
  };
}
