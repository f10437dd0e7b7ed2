import {
  TetraError, asTetraError, columnarOf, malformedRowError, rowsOf,
  type ColumnarRows, type OutputChunk,
  type DatasetColumn, type DatasetReader, type DatasetWriter, type InferenceService,
  type InferResult, type InputRecord, type JobManifest, type KeyNotKept, type ModelMetadata, type OutputColumn, type ReadOptions, type RejectedRecord, type RejectedRow, type RejectsLog, type RowChunk,
} from '../../core/index.ts';
import { jobFingerprint } from './job-fingerprint.ts';
import { plainKindsOf } from './plain-kinds.ts';
import type { BatchSummary, JobStatus } from './job-summary.ts';
import { KEYS_NOT_KEPT_NAMED, chunkRows, keptColumns, outputColumns } from './output-rows.ts';
import { describeLimit, rejectsExceeded, type RejectLimit } from './reject-limit.ts';

export interface BatchJobSpec {
  /** The inference service to score with; left out only with a `lock` already refused (the job then fails at once, and a caller need not load a model for it). */
  readonly service?: InferenceService;
  readonly model: string;
  /** A version name; the newest ready version when absent (fixed for the whole job). */
  readonly version?: string;
  readonly reader: DatasetReader;
  readonly writer: DatasetWriter;
  /** The writer's lock when the caller already asked for it (its answer, taken or refused); else the job asks. */
  readonly lock?: Promise<void>;
  /** The writer's manifest when the caller already read it (after the lock, without --force); else the job reads it. */
  readonly manifest?: Promise<JobManifest | undefined>;
  readonly rejects: RejectsLog;
  /** Rows per chunk: the unit of reading and scoring. */
  readonly chunkRows: number;
  /** Input rows per commit (whole chunks; default one chunk): the unit a resumed job restarts from, and a Parquet row group. */
  readonly commitRows?: number;
  /** Input columns copied into the output. */
  readonly keepColumns?: 'all' | readonly string[];
  readonly maxRejects?: RejectLimit;
  /** Start over even if an earlier run finished or was interrupted. */
  readonly force?: boolean;
  /** Chunks scored ahead of the one being written. */
  readonly scoreAhead?: number;
  /**
   * Chunks this thread scores at once (default 1): more when the model runs
   * on other threads (see ThreadedModel), so that while they compute, this
   * thread reads and encodes the next chunks.
   */
  readonly chunksAtOnce?: number;
  /** Threads that run the model for this thread: how many ran it is read once the job is done, for the summary. */
  readonly modelThreads?: { readonly used: number };
  /** Whatever else decides which rows land where (input options, shard): part of the job's identity. */
  readonly identity?: Readonly<Record<string, unknown>>;
  readonly job?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: JobProgress) => void;
  /** Told what the job does that the caller may not expect, as it happens (the summary names it too). */
  readonly onWarning?: (message: string) => void;
  /** Scores the input on other threads instead of this one; the reader then only names the input and gives its columns. */
  readonly parallel?: ParallelScoring;
}

/** Input rows scored and turned into output rows and rejects. */
export interface ScoredRows {
  readonly rowsIn: number;
  readonly rows: readonly (readonly unknown[])[];
  /** The output rows column by column instead (then `rows` is empty): how threads send them to a writer that takes them. */
  readonly columnar?: ColumnarRows;
  readonly rejects: readonly RejectedRecord[];
  /** The output columns these rows are in: kept input columns, then prediction fields. */
  readonly columns: readonly OutputColumn[];
  /** Keys of these rows that the output cannot keep (when the plan watches keys). */
  readonly keysNotKept?: readonly KeyNotKept[];
}

/** What scoring needs to know of the job, fixed before the first row is read. */
export interface ScoringPlan {
  readonly model: string;
  readonly version: string;
  readonly kept: readonly DatasetColumn[];
  /** The input columns scoring reads (the model's record fields and the kept columns); all when absent. */
  readonly fields?: readonly string[];
  /** Input columns read only as the model's numeric or boolean features, which a text reader may give as values. */
  readonly plainKinds?: ReadOptions['plainKinds'];
  /** Other threads send output rows column by column (the writer takes them so). */
  readonly columnar?: boolean;
  /** Every column is kept but the input's columns were sampled: name record keys outside them. */
  readonly watchKeys?: boolean;
  readonly startRow: number;
  readonly chunkRows: number;
  readonly signal?: AbortSignal;
}

/** A chunk being scored. (A bare promise cannot be yielded: an async generator would wait for it.) */
export interface InFlight {
  readonly scored: Promise<ScoredRows>;
}

/**
 * Scoring on other threads: yields one chunk in flight at a time, in input
 * order, without waiting for it, so the caller bounds how many are in flight.
 */
export interface ParallelScoring {
  /** The threads that scored rows (read once the job is done). */
  readonly threads: number;
  /** Chunks the runner keeps in flight to keep every thread busy. */
  readonly chunksInFlight: number;
  /** `scoreHere` scores a chunk on the caller's thread, for a scorer that does so while its threads start. */
  chunks(plan: ScoringPlan, scoreHere: (chunk: RowChunk) => Promise<ScoredRows>): AsyncIterable<InFlight>;
  close(): Promise<void>;
}

export interface JobProgress {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly rejected: number;
  readonly totalRows?: number;
  readonly bytesRead?: number;
  readonly totalBytes?: number;
  /** Rows this run has done (not counting a resumed run's earlier rows). */
  readonly rowsThisRun: number;
  readonly seconds: number;
}

/**
 * Runs one batch job: reads the input in chunks, scores each through the
 * inference service, and commits its output rows, rejects and manifest
 * together, so a job killed at any point resumes after its last commit
 * and ends with the same output. Never throws for a job that fails: the
 * summary says how it ended.
 */
export async function runBatchJob(spec: BatchJobSpec): Promise<BatchSummary> {
  const run = new BatchRun(spec);
  try {
    return await run.execute();
  } catch (error) {
    return run.summary('failed', asTetraError(error));
  } finally {
    await Promise.allSettled([spec.writer.close(), spec.rejects.close(), spec.reader.close(), spec.parallel?.close()]);
  }
}

class BatchRun {
  private readonly startedAt = new Date();
  private readonly started = performance.now();
  private meta?: ModelMetadata;
  private manifest?: JobManifest;
  private kept: DatasetColumn[] = [];
  private columns?: readonly OutputColumn[];
  private resumedAtRow = 0;
  /** Scored rows taken since the last commit. */
  private held = emptyHeld();
  private totalRows?: number;
  private totalBytes?: number;
  /** Keep every column of a sampled input: look for keys the output cannot hold. */
  private watchKeys = false;
  /** Keys not kept, as committed and as met since (names, for telling each once). */
  private keysNotKept: KeyNotKept[] = [];
  private readonly keyNames = new Set<string>();
  /** More keys were not kept than are named (see KEYS_NOT_KEPT_NAMED). */
  private moreKeysNotKept = false;
  /** Columns named to keep that the input's sampled first records lack. */
  private keptNotSampled: string[] = [];

  constructor(private readonly spec: BatchJobSpec) {}

  async execute(): Promise<BatchSummary> {
    const { spec } = this;
    // Before anything is read: a second job at this output fails at once, and what this one learns of the output stays true.
    await (spec.lock ?? spec.writer.lock());
    if (!spec.service) throw new TetraError('INTERNAL', `${spec.writer.name}: the job holds its output's lock but was given no model to score with`, { file: spec.writer.name });
    const service = spec.service;
    const meta = service.metadata(spec.model, spec.version);
    this.meta = meta;
    const input = await spec.reader.columns();
    checkFeatures(meta, input, spec.reader.name);
    const sampled = spec.reader.columnsSampled;
    this.kept = keptColumns(spec.keepColumns, input, spec.reader.name, sampled);
    this.watchKeys = sampled && spec.keepColumns === 'all';
    this.keptNotSampled = this.kept.filter((column) => !input.some((c) => c.name === column.name)).map((c) => c.name);
    for (const name of this.keptNotSampled) {
      spec.onWarning?.(`column "${name}" to keep is in none of the first records of ${spec.reader.name}, which gave its columns: it is kept untyped, empty in rows without it`);
    }
    const fingerprint = jobFingerprint({
      model: meta.name, version: meta.version, artifact: meta.artifact, input: spec.reader.name, columns: input.map((c) => c.name),
      keep: this.kept.map((c) => c.name), chunkRows: spec.chunkRows, commitRows: spec.commitRows, output: spec.writer.name, ...spec.identity,
    });
    const previous = spec.writer.resumable && !spec.force ? await (spec.manifest ?? spec.writer.readManifest()) : undefined;
    if (previous && previous.fingerprint !== fingerprint) {
      throw new TetraError('JOB_MISMATCH', `${spec.writer.name}: an earlier job at this output was started with a different model, input or options; rerun with --force to replace it`, { file: spec.writer.name });
    }
    if (previous?.finished) {
      this.manifest = previous;
      this.restoreKeysNotKept(previous);
      return this.summary('already-done');
    }
    // Durably, before the first row is scored: a forced run killed before its first commit must not leave the earlier job looking done.
    if (spec.force && spec.writer.resumable) await spec.writer.discardManifest();
    await this.begin(fingerprint, previous);
    await this.pipeline(service);
    return this.end();
  }

  private async begin(fingerprint: string, resume: JobManifest | undefined): Promise<void> {
    const { spec } = this;
    if (resume?.rejectsName !== undefined && resume.rejectsName !== spec.rejects.name) {
      // Opening another file at the committed length would cut off whatever it holds.
      throw new TetraError('JOB_MISMATCH', `${spec.writer.name}: the interrupted job wrote its rejected rows to ${resume.rejectsName}, not ${spec.rejects.name}; resume it with the same rejects file, or rerun with --force`, { file: spec.rejects.name });
    }
    await spec.rejects.open(resume?.rejectsBytes);
    if (resume) {
      this.restoreKeysNotKept(resume);
      this.columns = resume.columns;
      await spec.writer.open(resume.columns, resume);
      this.resumedAtRow = resume.rowsIn;
    }
    const now = new Date().toISOString();
    this.manifest = resume ?? {
      format: 'tetra-batch-manifest/1', fingerprint, columns: [], rowsIn: 0, rowsOut: 0, rejected: 0, chunks: 0,
      rejectsBytes: 0, rejectsName: spec.rejects.name, finished: false, startedAt: now, updatedAt: now,
    };
    const size = await spec.reader.size();
    this.totalRows = size.rows;
    this.totalBytes = size.bytes;
  }

  /** Scores chunks ahead of the one being written (several at once on other threads), committing them in input order. */
  private async pipeline(service: InferenceService): Promise<void> {
    const { spec } = this;
    // Read on each chunk: a parallel scorer knows how many chunks one unit of its work holds only once it starts.
    const ahead = (): number => (spec.parallel ? spec.parallel.chunksInFlight : Math.max(1, spec.scoreAhead ?? 1, spec.chunksAtOnce ?? 1));
    const pending: Promise<ScoredRows>[] = [];
    for await (const { scored } of this.scoredChunks(service)) {
      // Awaited in order below; until then a failure must not count as unhandled.
      scored.catch(() => undefined);
      pending.push(scored);
      if (pending.length > ahead()) await this.take(await (pending.shift() as Promise<ScoredRows>));
    }
    while (pending.length > 0) await this.take(await (pending.shift() as Promise<ScoredRows>));
    if (this.held.chunks > 0) await this.commit();
  }

  private async *scoredChunks(service: InferenceService): AsyncGenerator<InFlight> {
    const { spec } = this;
    const meta = this.meta as ModelMetadata;
    const fields = meta.recordFields ? [...new Set([...meta.recordFields, ...this.kept.map((c) => c.name)])] : undefined;
    const plan: ScoringPlan = { model: meta.name, version: meta.version, kept: this.kept, fields, plainKinds: plainKindsOf(meta, this.kept), columnar: spec.writer.takesColumnar === true, watchKeys: this.watchKeys, startRow: this.manifest?.rowsIn ?? 0, chunkRows: spec.chunkRows, signal: spec.signal };
    if (spec.parallel) {
      yield* spec.parallel.chunks(plan, (chunk) => scoreChunk(service, plan, chunk));
      return;
    }
    // A chunk's scoring starts once the one `chunksAtOnce` before it is done: the next chunk is read and decoded meanwhile, and the model's queue never overflows.
    const atOnce = Math.max(1, spec.chunksAtOnce ?? 1);
    const scoring: Promise<unknown>[] = [];
    for await (const chunk of spec.reader.read({ startRow: plan.startRow, chunkRows: plan.chunkRows, signal: plan.signal, fields: plan.fields, plainKinds: plan.plainKinds })) {
      const previous = scoring.length >= atOnce ? (scoring.shift() as Promise<unknown>) : Promise.resolve();
      const scored = previous.then(() => scoreChunk(service, plan, chunk));
      scoring.push(scored.catch(() => undefined));
      yield { scored };
    }
  }

  /** Takes a scored chunk in input order; commits once `commitRows` input rows are held (and at the end). */
  private async take(scored: ScoredRows): Promise<void> {
    const rowsOut = scored.columnar ? scored.columnar.count : scored.rows.length;
    if (!this.columns && rowsOut > 0) await this.openOutput(scored.columns);
    if (this.columns && rowsOut > 0) checkSameColumns(this.columns, scored.columns);
    await this.spec.rejects.append(scored.rejects);
    for (const key of scored.keysNotKept ?? []) this.keyNotKept(key);
    const held = this.held;
    held.rowsIn += scored.rowsIn;
    held.chunks++;
    held.rejected += scored.rejects.length;
    held.rowsOut += rowsOut;
    if (rowsOut > 0) holdRows(held, scored, (this.columns as readonly OutputColumn[]).length, this.spec.writer.storesColumns === true);
    this.report();
    if (held.rowsIn >= (this.spec.commitRows ?? this.spec.chunkRows)) await this.commit();
  }

  /** The keys an earlier run of this job could not keep: told again in the summary, not again as met. */
  private restoreKeysNotKept(manifest: JobManifest): void {
    this.keysNotKept = [...(manifest.keysNotKept ?? [])];
    this.moreKeysNotKept = manifest.moreKeysNotKept === true;
    for (const key of this.keysNotKept) this.keyNames.add(key.name);
  }

  /** Tells of a key the output cannot keep the first time it is met (the manifest keeps it with the next commit). */
  private keyNotKept(key: KeyNotKept): void {
    if (this.keyNames.has(key.name) || this.moreKeysNotKept) return;
    if (this.keysNotKept.length >= KEYS_NOT_KEPT_NAMED) {
      this.moreKeysNotKept = true;
      this.spec.onWarning?.(`more keys are not written than the ${KEYS_NOT_KEPT_NAMED} named; no more are named`);
      return;
    }
    this.keyNames.add(key.name);
    this.keysNotKept.push(key);
    this.spec.onWarning?.(`key "${key.name}" first met in row ${key.row} (${key.source}${key.line !== undefined ? ` line ${key.line}` : ''}) is not written: the output's columns come from the input's first records; to keep it, list the columns to keep, it among them, in --keep-columns (keep_columns in tetra.yaml)`);
  }

  /**
   * Makes the held rows, their rejects and the manifest durable together.
   * Commit points fall every `commitRows` input rows counted from the last
   * one, so a resumed run commits where an uninterrupted run does (a Parquet
   * row group is one commit: its bytes depend on where commits fall).
   */
  private async commit(): Promise<void> {
    const { spec } = this;
    const held = this.held;
    this.held = emptyHeld();
    const m = this.manifest as JobManifest;
    let next: JobManifest = {
      ...m, rowsIn: m.rowsIn + held.rowsIn, rowsOut: m.rowsOut + held.rowsOut, rejected: m.rejected + held.rejected,
      chunks: m.chunks + held.chunks, updatedAt: new Date().toISOString(),
      ...(this.keysNotKept.length > 0 ? { keysNotKept: [...this.keysNotKept] } : {}),
      ...(this.moreKeysNotKept ? { moreKeysNotKept: true } : {}),
    };
    // Until the first prediction fixes the output's columns nothing is durable: a rerun redoes these rows.
    if (this.columns) next = await spec.writer.commit(this.outputChunk(held), { ...next, rejectsBytes: await spec.rejects.sync() });
    this.manifest = next;
    // While reading, a percentage is judged only against a known total: the rows read so far are not the input's share (end() judges the rest).
    if (spec.maxRejects && rejectsExceeded(spec.maxRejects, next.rejected, next.rowsIn, this.totalRows ?? Number.POSITIVE_INFINITY)) this.tooManyRejects(next);
  }

  /** The held rows as the writer takes them. */
  private outputChunk(held: Held): OutputChunk {
    if (held.columnar.length === 0) return { rows: held.rows };
    return this.spec.writer.takesColumnar ? { rows: [], columnar: held.columnar } : { rows: held.columnar.flatMap(rowsOf) };
  }

  private async openOutput(columns: readonly OutputColumn[]): Promise<void> {
    this.columns = columns;
    await this.spec.writer.open(this.columns);
    this.manifest = { ...(this.manifest as JobManifest), columns: this.columns };
  }

  private async end(): Promise<BatchSummary> {
    const { spec } = this;
    if (!this.columns) {
      await this.openOutput(outputColumns(this.kept, undefined));
      this.manifest = await spec.writer.commit({ rows: [] }, { ...(this.manifest as JobManifest), rejectsBytes: await spec.rejects.sync() });
    }
    const m = this.manifest as JobManifest;
    if (rejectsExceeded(spec.maxRejects, m.rejected, m.rowsIn)) this.tooManyRejects(m);
    const finished: JobManifest = { ...m, finished: true, updatedAt: new Date().toISOString() };
    await spec.writer.finish(finished);
    this.manifest = finished;
    return this.summary(m.rejected > 0 ? 'partial' : 'succeeded');
  }

  private tooManyRejects(m: JobManifest): never {
    const limit = describeLimit(this.spec.maxRejects as RejectLimit);
    throw new TetraError('JOB_TOO_MANY_REJECTS', `${m.rejected} of ${m.rowsIn} input rows were rejected, more than the limit of ${limit} (see ${this.spec.rejects.name})`, { file: this.spec.rejects.name });
  }

  private report(): void {
    const m = this.manifest as JobManifest;
    const held = this.held;
    this.spec.onProgress?.({
      rowsIn: m.rowsIn + held.rowsIn, rowsOut: m.rowsOut + held.rowsOut, rejected: m.rejected + held.rejected, totalRows: this.totalRows, totalBytes: this.totalBytes,
      bytesRead: this.spec.reader.consumedBytes, rowsThisRun: m.rowsIn + held.rowsIn - this.resumedAtRow, seconds: (performance.now() - this.started) / 1000,
    });
  }

  summary(status: JobStatus, error?: TetraError): BatchSummary {
    const { spec } = this;
    const m = this.manifest;
    const seconds = (performance.now() - this.started) / 1000;
    const rowsThisRun = status === 'already-done' ? 0 : (m?.rowsIn ?? 0) - this.resumedAtRow;
    return {
      status, ...(spec.job ? { job: spec.job } : {}), model: this.meta?.name ?? spec.model, version: this.meta?.version ?? spec.version ?? '',
      input: spec.reader.name, output: spec.writer.name, rejects: spec.rejects.name,
      rowsIn: m?.rowsIn ?? 0, rowsOut: m?.rowsOut ?? 0, rejected: m?.rejected ?? 0, chunks: m?.chunks ?? 0, resumedAtRow: this.resumedAtRow,
      seconds, rowsPerSecond: seconds > 0 ? rowsThisRun / seconds : 0,
      startedAt: this.startedAt.toISOString(), finishedAt: new Date().toISOString(), workers: spec.parallel?.threads ?? 0,
      ...(spec.modelThreads?.used ? { modelThreads: spec.modelThreads.used } : {}),
      ...(this.keysNotKept.length > 0 ? { keysNotKept: this.keysNotKept } : {}),
      ...(this.moreKeysNotKept ? { moreKeysNotKept: true } : {}),
      ...(this.keptNotSampled.length > 0 ? { keptNotSampled: this.keptNotSampled } : {}),
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    };
  }
}

/** Scores one chunk on this thread: the path every mode shares, then output rows and rejects. */
export async function scoreChunk(service: InferenceService, plan: ScoringPlan, chunk: RowChunk): Promise<ScoredRows> {
  const malformed = chunk.records.some((r) => malformedRowError(r) !== undefined);
  const result = malformed ? await inferSkippingMalformed(service, plan, chunk) : await service.infer({
    model: plan.model, version: plan.version, records: chunk.records, firstRow: chunk.firstRow, keepGoing: true, mode: 'batch', signal: plan.signal,
  });
  const columns = outputColumns(plan.kept, result.predictions?.[0]);
  return { rowsIn: chunk.records.length, columns, ...chunkRows(chunk, result, plan.kept, columns, plan.watchKeys) };
}

/**
 * Scores the rows that could be decoded and rejects the rest with their
 * decoding error, numbering every row by its place in the chunk.
 */
async function inferSkippingMalformed(service: InferenceService, plan: ScoringPlan, chunk: RowChunk): Promise<InferResult> {
  const good: number[] = [];
  const rejected: RejectedRow[] = [];
  chunk.records.forEach((record, i) => {
    const error = malformedRowError(record);
    if (error) rejected.push({ row: chunk.firstRow + i, error });
    else good.push(i);
  });
  const result = await service.infer({
    model: plan.model, version: plan.version, records: good.map((i) => chunk.records[i] as InputRecord), firstRow: 0, keepGoing: true, mode: 'batch', signal: plan.signal,
  });
  const place = (row: number): number => chunk.firstRow + (good[row] as number);
  for (const r of result.rejected ?? []) rejected.push({ row: place(r.row), error: r.error });
  rejected.sort((a, b) => a.row - b.row);
  return { ...result, rows: (result.rows ?? []).map(place), rejected };
}

interface Held {
  rowsIn: number;
  rowsOut: number;
  chunks: number;
  rejected: number;
  readonly rows: (readonly unknown[])[];
  readonly columnar: ColumnarRows[];
}

/**
 * Adds a chunk's output rows to the held ones, keeping them in one shape:
 * column by column as soon as any chunk came so, and always for a writer
 * that stores columns. A chunk's rows are laid out as they arrive: the
 * arrays of values then die young, instead of piling up until the commit
 * (a collection of the old space each time, and arrays so long that V8
 * keeps them in its slow large-object space).
 */
function holdRows(held: Held, scored: ScoredRows, width: number, columnar: boolean): void {
  if (!columnar && !scored.columnar && held.columnar.length === 0) {
    for (const row of scored.rows) held.rows.push(row);
    return;
  }
  if (held.rows.length > 0) {
    held.columnar.push(columnarOf(held.rows, width));
    held.rows.length = 0;
  }
  held.columnar.push(scored.columnar ?? columnarOf(scored.rows, width));
}

function emptyHeld(): Held {
  return { rowsIn: 0, rowsOut: 0, chunks: 0, rejected: 0, rows: [], columnar: [] };
}

function checkSameColumns(fixed: readonly OutputColumn[], got: readonly OutputColumn[]): void {
  if (fixed.length !== got.length || fixed.some((c, i) => c.name !== got[i]?.name)) {
    throw new TetraError('MODEL_RUN_FAILED', `the model's predictions changed fields during the job (first ${fixed.map((c) => c.name).join(', ')}, then ${got.map((c) => c.name).join(', ')}); every row must have the same fields`);
  }
}

/** A required feature with no input column fails the job before any row is read. */
function checkFeatures(meta: ModelMetadata, input: readonly DatasetColumn[], source: string): void {
  const names = new Set(input.map((c) => c.name));
  const missing = (meta.features ?? []).filter((f) => f.required && !names.has(f.name));
  if (missing.length === 0 || input.length === 0) return;
  const list = missing.map((f) => `"${f.name}"`).join(', ');
  throw new TetraError('INPUT_MISSING_FEATURE', `${source}: no column for required feature${missing.length > 1 ? 's' : ''} ${list} of model "${meta.name}" (columns: ${input.map((c) => c.name).join(', ')})`, { file: source, field: missing[0]?.name });
}
