/**
 * Synthetic card-transaction dataset for the fraud example.
 *
 *   node --import tsx examples/fraud/generate.ts --rows 200000 --seed 7 --out fraud.csv
 *
 * Same options → byte-identical file. `--out -` writes to stdout. A summary
 * (fraud rate, missing distances) goes to stderr.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { CSV_HEADER, csvLine } from './generator/csv.ts';
import { defaultCardCount, generateTransactions } from './generator/generate-transactions.ts';
import type { GeneratorOptions, TransactionRow } from './generator/types.ts';

const USAGE = `usage: generate.ts [--rows 200000] [--seed 7] [--out fraud-transactions.csv|-]
                   [--cards N] [--days 60] [--start 2024-03-01] [--fraud-rate 0.012]`;

interface CliOptions extends GeneratorOptions {
  readonly out: string;
}

function integerFlag(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}, got "${text}"`);
  return value;
}

function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '200000' },
      seed: { type: 'string', default: '7' },
      out: { type: 'string', default: 'fraud-transactions.csv' },
      cards: { type: 'string' },
      days: { type: 'string', default: '60' },
      start: { type: 'string', default: '2024-03-01' },
      'fraud-rate': { type: 'string', default: '0.012' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const startMs = Date.parse(`${values.start}T00:00:00Z`);
  if (Number.isNaN(startMs)) throw new Error(`--start must be a date like 2024-03-01, got "${values.start}"`);
  const fraudRate = Number(values['fraud-rate']);
  if (!(fraudRate >= 0 && fraudRate < 0.5)) {
    throw new Error(`--fraud-rate must be in [0, 0.5), got "${values['fraud-rate']}"`);
  }
  return {
    rows: integerFlag('rows', values.rows, 1),
    // The generator mixes the seed as a 32-bit integer; larger values would silently alias.
    seed: integerFlag('seed', values.seed, 0) >>> 0,
    out: values.out,
    startMs,
    days: integerFlag('days', values.days, 1),
    fraudRate,
    ...(values.cards === undefined ? {} : { cards: integerFlag('cards', values.cards, 1) }),
  };
}

/** Writes in chunks and honours back-pressure, so 200k rows never sit in one giant string. */
async function writeCsv(rows: readonly TransactionRow[], sink: Writable): Promise<void> {
  const chunkRows = 5000;
  let chunk = `${CSV_HEADER}\n`;
  for (let i = 0; i < rows.length; i += 1) {
    chunk += `${csvLine(rows[i])}\n`;
    if ((i + 1) % chunkRows === 0 || i === rows.length - 1) {
      if (!sink.write(chunk)) await once(sink, 'drain');
      chunk = '';
    }
  }
}

function summary(rows: readonly TransactionRow[], cards: number, out: string): string {
  const count = (test: (row: TransactionRow) => boolean): number => rows.filter(test).length;
  const pct = (n: number): string => `${((100 * n) / rows.length).toFixed(2)}%`;
  const fraud = count((r) => r.isFraud);
  return [
    `wrote ${rows.length} rows for ${cards} cards to ${out === '-' ? 'stdout' : out}`,
    `  period         ${rows[0]?.timestamp ?? '-'} .. ${rows[rows.length - 1]?.timestamp ?? '-'}`,
    `  fraud          ${fraud} rows = ${pct(fraud)}`,
    `  missing dist.  ${pct(count((r) => r.distanceKm === null))}`,
    `  foreign        ${pct(count((r) => r.isForeign))}`,
    `  online         ${pct(count((r) => r.isOnline))}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const rows = generateTransactions(options);
  if (options.out === '-') {
    // A closed pipe (`| head`) is not an error for a generator.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
    await writeCsv(rows, process.stdout);
  } else {
    const file = createWriteStream(options.out);
    await writeCsv(rows, file);
    file.end();
    await once(file, 'finish');
  }
  process.stderr.write(`${summary(rows, options.cards ?? defaultCardCount(options.rows), options.out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`generate.ts: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(1);
});
