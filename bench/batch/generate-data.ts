/**
 * The batch benchmark's input: the fraud example's sample rows cycled, each
 * with a unique transaction id, plus numeric columns the model does not use
 * (30 columns in all). The CSV is written a block of rows at a time, so ten
 * million rows never sit in memory; the Parquet copy is made from the CSV
 * by DuckDB, an independent writer, as real inputs would be.
 *
 * Files are kept in the benchmark folder and reused when their sidecar says
 * they hold the wanted rows from this version of the generator.
 */
import { readFileSync } from 'node:fs';
import { access, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const SAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'fraud', 'data', 'sample.csv');
/** Bump when the generated rows change, so cached files are made again. */
const GENERATOR_VERSION = 1;
const DECIMAL_EXTRAS = 8;
const INTEGER_EXTRAS = 4;
const BLOCK_ROWS = 8192;
/** DuckDB's default row group size, stated so the file does not depend on DuckDB's version. */
const PARQUET_ROW_GROUP = 122_880;

interface Sidecar {
  readonly generator: number;
  readonly rows: number;
  readonly columns: number;
}

/** The sample's header and its rows without the transaction id (which each generated row gets anew). */
function sample(): { header: string[]; tails: string[] } {
  const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  // The sample has no quoted cells, so the first comma ends the id.
  const tails = lines.slice(1).map((line) => line.slice(line.indexOf(',') + 1));
  return { header, tails };
}

export function columnNames(): string[] {
  const extras = Array.from({ length: DECIMAL_EXTRAS + INTEGER_EXTRAS }, (_, i) => `extra_${String(i + 1).padStart(2, '0')}`);
  return [...sample().header, ...extras];
}

/** The CSV of `rows` rows in `dir`, generated unless a complete one is there. */
export async function ensureCsv(dir: string, rows: number): Promise<string> {
  const path = join(dir, `fraud-${rows}.csv`);
  if (await isCached(path, rows)) return path;
  const partial = `${path}.partial`;
  await writeCsv(partial, rows);
  await rename(partial, path);
  await writeSidecar(path, rows);
  return path;
}

/** The same rows as Parquet (snappy pages, typed columns; `mcc` kept as text, as its levels are codes). */
export async function ensureParquet(dir: string, csv: string, rows: number): Promise<string> {
  const path = join(dir, `fraud-${rows}.parquet`);
  if (await isCached(path, rows)) return path;
  const partial = `${path}.partial`;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(
      `COPY (SELECT * FROM read_csv(${sqlText(csv)}, header = true, types = {'mcc': 'VARCHAR', 'transaction_id': 'VARCHAR'})) ` +
        `TO ${sqlText(partial)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP})`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  await rename(partial, path);
  await writeSidecar(path, rows);
  return path;
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const { tails } = sample();
  const extras = extraValues();
  const file = await open(path, 'w');
  try {
    await file.write(`${columnNames().join(',')}\n`);
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const end = Math.min(rows, start + BLOCK_ROWS);
      let block = '';
      for (let i = start; i < end; i++) block += `T${String(i + 1).padStart(9, '0')},${tails[i % tails.length]}${extras(i)}\n`;
      await file.write(block);
    }
  } finally {
    await file.close();
  }
}

/**
 * The extra cells of row `i`, each picked by a hash of the row from tables
 * of preformatted numbers: formatting a fresh number per cell would make
 * generating ten million rows several times slower, and the values are only
 * carried along.
 */
function extraValues(): (row: number) => string {
  let seed = 2024;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const decimals = Array.from({ length: 65536 }, () => ((random() - 0.3) * 2000).toFixed(4));
  const integers = Array.from({ length: 65536 }, () => String(Math.floor(random() * 100_000)));
  return (row) => {
    let hash = Math.imul(row + 1, 0x9e3779b1);
    let text = '';
    for (let c = 0; c < DECIMAL_EXTRAS + INTEGER_EXTRAS; c++) {
      hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) + c;
      text += `,${(c < DECIMAL_EXTRAS ? decimals : integers)[hash >>> 16]}`;
    }
    return text;
  };
}

async function isCached(path: string, rows: number): Promise<boolean> {
  const text = await readFile(`${path}.bench.json`, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  const sidecar = parseSidecar(text);
  if (sidecar && sidecar.generator === GENERATOR_VERSION && sidecar.rows === rows && sidecar.columns === columnNames().length) {
    return access(path).then(() => true, () => false);
  }
  await rm(path, { force: true });
  return false;
}

function parseSidecar(text: string): Sidecar | undefined {
  try {
    return JSON.parse(text) as Sidecar;
  } catch {
    return undefined; // a sidecar cut short: make the file again
  }
}

function writeSidecar(path: string, rows: number): Promise<void> {
  const sidecar: Sidecar = { generator: GENERATOR_VERSION, rows, columns: columnNames().length };
  return writeFile(`${path}.bench.json`, JSON.stringify(sidecar) + '\n');
}

function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
