import { makeCards } from './cards.ts';
import { orderStream, toRows } from './features.ts';
import { fraudTransactions } from './fraud.ts';
import { legitTransactions } from './legit.ts';
import { Random } from './random.ts';
import { DAY_MS, type GeneratorOptions, type TransactionRow } from './types.ts';

/** About fifty transactions per card over the period: enough history for the window features to mean something. */
export function defaultCardCount(rows: number): number {
  return Math.min(5000, Math.max(20, Math.round(rows / 50)));
}

/**
 * The whole dataset, deterministic in `options`. Cards, legitimate spend and
 * fraud draw from separate streams of the seed so that tuning one part does
 * not reshuffle the others.
 */
export function generateTransactions(options: GeneratorOptions): TransactionRow[] {
  const period = { startMs: options.startMs, endMs: options.startMs + options.days * DAY_MS };
  const cards = makeCards(new Random(options.seed, 1), options.cards ?? defaultCardCount(options.rows), period);
  const fraudCount = Math.round(options.rows * options.fraudRate);
  const legit = legitTransactions(new Random(options.seed, 2), cards, period, options.rows - fraudCount);
  const fraud = fraudTransactions(new Random(options.seed, 3), cards, period, fraudCount);
  return toRows(orderStream([...legit, ...fraud]));
}
