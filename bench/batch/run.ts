/**
 * The batch benchmark: `tetra batch` end to end (the built CLI as a child
 * process) on a generated fraud dataset of 30 columns, as CSV and as
 * Parquet, against the in-process limits measured in the same run: parsing
 * alone and the model alone. Also how the CLI's peak memory grows from
 * BENCH_ROWS to BENCH_BIG_ROWS rows.
 *
 *   npm run build && npm run bench:batch
 *
 * BENCH_ROWS (1000000), BENCH_BIG_ROWS (10000000; 0 skips the memory run),
 * BENCH_ROUNDS (3: each end-to-end run is made this many times, in rounds,
 * and its median by time reported),
 * BENCH_DIR (the generated inputs, kept between runs; default under the
 * system temp folder), BENCH_KEEP (--keep-columns; default transaction_id,
 * the usual scoring output of an id and its predictions; `all` carries every
 * input column into the output as well).
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHUNK_ROWS } from '../../src/cli/commands/batch.ts';
import { fmt } from '../core/timing.ts';
import { checkBuilt, runBatch, type BatchResult } from './end-to-end.ts';
import { plainKindsOf } from '../../src/modes/batch/plain-kinds.ts';
import { FRAUD_MODEL, openFraudModel } from './fraud-model.ts';
import { columnNames, ensureCsv, ensureParquet } from './generate-data.ts';
import { measureModel, type ModelFigures } from './model-only.ts';
import { measureParse, type ParseFigures, type ParseOptions } from './parse-only.ts';

const ROWS = count('BENCH_ROWS', 1_000_000, 1);
const BIG_ROWS = count('BENCH_BIG_ROWS', 10_000_000, 0);
const ROUNDS = count('BENCH_ROUNDS', 3, 1);
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'tetra-bench-batch');
const KEEP = process.env.BENCH_KEEP ?? 'transaction_id';
const THREADS = availableParallelism();
const CHUNK_ROWS = DEFAULT_CHUNK_ROWS;
const TARGETS = { ofLimit: 0.85, rssGrowth: 1.2 };

interface Variant {
  readonly label: string;
  readonly input: string;
  readonly workers?: number;
  /** The parse-only and model-only figures of each path a job may take: the run is held to the one it took. */
  readonly paths: Readonly<Record<PathKind, Limits>>;
}

type PathKind = 'pieces' | 'model' | 'main';

interface Limits {
  readonly parse: Figure;
  readonly model: Figure;
}

interface Figure {
  readonly label: string;
  readonly rate: number;
}

async function main(): Promise<void> {
  const stale = await checkBuilt();
  await mkdir(DIR, { recursive: true });
  if (stale) console.log(`${stale}\n`);
  console.log(`Tetra batch benchmark: ${FRAUD_MODEL}, ${fmt(ROWS)} rows x ${columnNames().length} columns, chunks of ${fmt(CHUNK_ROWS)} rows, ${THREADS} cores, --keep-columns ${KEEP}`);
  const csv = await ensureCsv(DIR, ROWS);
  const parquet = await ensureParquet(DIR, csv, ROWS);
  const big = BIG_ROWS > 0 ? await ensureCsv(DIR, BIG_ROWS) : undefined;
  console.log(`data in ${DIR}: CSV ${await megabytes(csv)}, Parquet ${await megabytes(parquet)} (snappy, DuckDB)${big ? `, ${fmt(BIG_ROWS)}-row CSV ${await megabytes(big)}` : ''}\n`);
  // Every pass reads from the page cache, so the first one is not the only one to wait for the disk.
  for (const file of [csv, parquet]) await readThrough(file);

  const parse = await measureParse(csv, parquet, ROWS, CHUNK_ROWS, THREADS, await readOptions());
  const model = await measureModel(csv, ROWS, CHUNK_ROWS, THREADS);
  printLimits(parse, model);

  const variants = endToEndVariants(csv, parquet, parse, model);
  // Round by round, each round in another order: this machine's speed drifts within minutes, and no variant should always run first.
  const runs: BatchResult[][] = variants.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + round) % variants.length;
      const v = variants[i] as Variant;
      (runs[i] as BatchResult[]).push(await runBatch({ input: v.input, output: join(DIR, `out-${i}.parquet`), rows: ROWS, keep: KEEP, workers: v.workers }));
    }
  }
  const results = runs.map(median);
  printEndToEnd(variants, results);

  const small = results[0] as BatchResult;
  let bigResult: BatchResult | undefined;
  if (big) {
    await readThrough(big);
    bigResult = await runBatch({ input: big, output: join(DIR, 'out-big.parquet'), rows: BIG_ROWS, keep: KEEP });
  }
  printMemory(small, bigResult);
  printTargets(variants, results, small, bigResult);
}

function endToEndVariants(csv: string, parquet: string, parse: ParseFigures, model: ModelFigures): Variant[] {
  const threaded = { label: `${model.threads} threads`, rate: model.threaded };
  const single = { label: '1 thread', rate: model.oneThread };
  // With a model thread, the main thread parses alone and runs the model too when the thread is busy: the model has two threads.
  const helped = { label: `${model.threads} threads (a model thread, and the main thread when it is busy)`, rate: model.threaded };
  const csvRead = { label: 'CSV TextDatasetReader.read', rate: parse.csvRead };
  // Parquet is decoded on the thread that scores it: each thread parses at the one-thread rate.
  const parquetRead = { label: 'ParquetReader.read', rate: parse.parquetRead };
  const csvPaths = {
    pieces: { parse: { label: `CSV cut + decode on ${parse.threads} threads`, rate: parse.csvThreaded }, model: threaded },
    model: { parse: csvRead, model: helped },
    main: { parse: csvRead, model: single },
  };
  const parquetPaths = { pieces: { parse: parquetRead, model: threaded }, model: { parse: parquetRead, model: helped }, main: { parse: parquetRead, model: single } };
  return [
    { label: 'CSV -> Parquet, default threads', input: csv, paths: csvPaths },
    { label: `CSV -> Parquet, --workers ${THREADS}`, input: csv, workers: THREADS, paths: csvPaths },
    { label: 'CSV -> Parquet, --workers 0', input: csv, workers: 0, paths: csvPaths },
    { label: 'Parquet -> Parquet, default threads', input: parquet, paths: parquetPaths },
    { label: `Parquet -> Parquet, --workers ${THREADS}`, input: parquet, workers: THREADS, paths: parquetPaths },
    { label: 'Parquet -> Parquet, --workers 0', input: parquet, workers: 0, paths: parquetPaths },
  ];
}

/**
 * What batch mode asks of a reader with --keep-columns KEEP: the model's
 * record fields and the kept columns (all for `all`), with the columns only
 * the model reads as numbers or booleans given as values.
 */
async function readOptions(): Promise<ParseOptions> {
  if (KEEP === 'all') return {};
  const model = await openFraudModel();
  try {
    const kept = KEEP.split(',').filter(Boolean);
    const fields = [...new Set([...(model.metadata.recordFields ?? []), ...kept])];
    return { fields, plainKinds: plainKindsOf(model.metadata, kept.map((name) => ({ name, type: 'string' }))) };
  } finally {
    await model.close();
  }
}

function printLimits(parse: ParseFigures, model: ModelFigures): void {
  console.log('(a) parse only: records from the reader batch mode uses, one full pass         rows/s');
  console.log(`    holding ${parse.fields ? `the ${parse.fields.length} columns batch mode reads (the model's fields and the kept ones)` : 'every column (all are kept)'}`);
  row('CSV  TextDatasetReader.read, 1 thread', parse.csvRead);
  if (parse.fields) row('CSV  TextDatasetReader.read, 1 thread, every column (for comparison)', parse.csvReadAll);
  row('CSV  textPieces cut + copy, 1 thread', parse.csvCut);
  row('CSV  textPieces + decodeTextPiece, 1 thread', parse.csvCutDecode);
  row(`CSV  textPieces here + decodeTextPiece on ${parse.threads} threads`, parse.csvThreaded);
  row('Parquet  ParquetReader.read, 1 thread', parse.parquetRead);
  console.log(`\n(b) model only: ${FRAUD_MODEL} loaded through ModelRepository (xgboost runtime), its run() called directly`);
  console.log(`    on ${CHUNK_ROWS}-row feature matrices encoded beforehand from the CSV's first chunks                 rows/s`);
  row('1 thread (this one)', model.oneThread);
  row(`${model.threads} worker threads, a model copy each`, model.threaded);
}

function printEndToEnd(variants: readonly Variant[], results: readonly BatchResult[]): void {
  console.log(`\n(c) end to end: node bin/tetra.js batch, wall time from spawn to exit, the median of ${ROUNDS} rounds`);
  console.log('run                                        seconds       rows/s   job rows/s   peak RSS   threads');
  for (const [i, v] of variants.entries()) {
    const r = results[i] as BatchResult;
    console.log(`  ${v.label.padEnd(40)} ${r.seconds.toFixed(2).padStart(7)} ${fmt(r.rowsPerSecond).padStart(12)} ${fmt(r.jobRowsPerSecond).padStart(12)} ${mb(r.peakRss).padStart(10)}   ${threadsOf(r)}`);
  }
  console.log('  (job rows/s: the job summary\'s own figure, from after the model loaded to the last commit; threads: what the job ran on besides the main thread)');
}

function printMemory(small: BatchResult, big: BatchResult | undefined): void {
  console.log(`\n(d) peak RSS of CSV -> Parquet, default threads`);
  console.log(`  ${fmt(ROWS).padStart(12)} rows  ${mb(small.peakRss).padStart(10)}   (the run of (c) reported)`);
  if (big) console.log(`  ${fmt(BIG_ROWS).padStart(12)} rows  ${mb(big.peakRss).padStart(10)}   ${big.seconds.toFixed(1)} s, ${fmt(big.rowsPerSecond)} rows/s`);
  else console.log('  the large run was skipped (BENCH_BIG_ROWS=0)');
}

function printTargets(variants: readonly Variant[], results: readonly BatchResult[], small: BatchResult, big: BatchResult | undefined): void {
  console.log(`\nratios and targets (limit = min(parse, model) of the path the run takes; serial = 1/(1/parse + 1/model), the limit if the two never overlapped)`);
  for (const [i, v] of variants.entries()) {
    const result = results[i] as BatchResult;
    const rate = result.rowsPerSecond;
    // Against the path the job took: a default run that stayed on the main thread is held to the one-thread limits.
    const { parse, model } = v.paths[pathOf(result)];
    const limit = Math.min(parse.rate, model.rate);
    const serial = 1 / (1 / parse.rate + 1 / model.rate);
    console.log(`  ${v.label} (${threadsOf(result)})`);
    console.log(`    limit ${fmt(limit)} rows/s = min(${parse.label} ${fmt(parse.rate)}, model ${model.label} ${fmt(model.rate)}); serial ${fmt(serial)} rows/s`);
    console.log(`    end to end / limit   ${(rate / limit).toFixed(2).padStart(5)}  (target >= ${TARGETS.ofLimit}) ${mark(rate / limit >= TARGETS.ofLimit)}   end to end / serial ${(rate / serial).toFixed(2)}`);
  }
  if (big) {
    const growth = big.peakRss / small.peakRss;
    console.log(`  peak RSS ${fmt(BIG_ROWS)} rows / ${fmt(ROWS)} rows   ${growth.toFixed(2)}  (target <= ${TARGETS.rssGrowth}) ${mark(growth <= TARGETS.rssGrowth)}`);
  }
}

/** The run of median time (the slower of the middle two for an even count). */
function median(results: readonly BatchResult[]): BatchResult {
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)] as BatchResult;
}

function pathOf(r: BatchResult): PathKind {
  return r.workers > 0 ? 'pieces' : r.modelThreads > 0 ? 'model' : 'main';
}

function threadsOf(r: BatchResult): string {
  if (r.workers > 0) return `${r.workers} threads parsing and scoring`;
  if (r.modelThreads > 0) return `${r.modelThreads} model thread${r.modelThreads === 1 ? '' : 's'}`;
  return 'main thread only';
}

function row(label: string, rowsPerSecond: number): void {
  console.log(`  ${label.padEnd(70)} ${fmt(rowsPerSecond).padStart(12)}`);
}

function mark(met: boolean): string {
  return met ? '[met]' : '[MISS]';
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

async function megabytes(path: string): Promise<string> {
  return mb((await stat(path)).size);
}

async function readThrough(path: string): Promise<void> {
  for await (const _ of createReadStream(path, { highWaterMark: 1 << 20 }));
}

function count(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number >= ${min}, not "${text}"`);
  return value;
}

await main();
