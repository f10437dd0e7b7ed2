import type { Country, MerchantCategory } from './world.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface GeneratorOptions {
  readonly rows: number;
  readonly seed: number;
  /** Number of cards; defaults to about one card per 50 rows. */
  readonly cards?: number;
  /** First instant of the generated period (UTC). */
  readonly startMs: number;
  readonly days: number;
  /** Share of rows that are fraudulent. */
  readonly fraudRate: number;
}

/** The period transactions are spread over, in UTC milliseconds [startMs, endMs). */
export interface Period {
  readonly startMs: number;
  readonly endMs: number;
}

export interface Trip {
  readonly country: Country;
  readonly startMs: number;
  readonly endMs: number;
}

export interface Card {
  readonly id: string;
  readonly home: Country;
  readonly openMs: number;
  /** Multiplies typical amounts: some cardholders spend more than others. */
  readonly spendScale: number;
  /** Relative number of transactions per active day. */
  readonly activity: number;
  /** Per-category preference, aligned with CATEGORIES. */
  readonly categoryWeights: readonly number[];
  /** Shifts this cardholder's activity towards late hours, so night alone does not mean fraud. */
  readonly nightOwl: boolean;
  readonly trip?: Trip;
}

/** One transaction before the stream-derived features are computed. */
export interface RawTransaction {
  readonly card: Card;
  timeMs: number;
  readonly amountCents: number;
  readonly category: MerchantCategory;
  readonly merchantCountry: Country;
  /** Whose time zone gives `hour`: the merchant's country in person, the card's home country online. */
  readonly localCountry: Country;
  readonly distanceKm: number | null;
  readonly deviceChanged: boolean;
  readonly isOnline: boolean;
  readonly isFraud: boolean;
}

/** One CSV row. Money is kept in cents so window sums never drift. */
export interface TransactionRow {
  readonly transactionId: string;
  readonly cardId: string;
  readonly timestamp: string;
  readonly amountCents: number;
  readonly mcc: string;
  readonly merchantCountry: string;
  readonly homeCountry: string;
  readonly hour: number;
  readonly isForeign: boolean;
  readonly cardAgeDays: number;
  readonly distanceKm: number | null;
  readonly deviceChanged: boolean;
  readonly isOnline: boolean;
  readonly txnCount1h: number;
  readonly txnCount24h: number;
  readonly amountSum24hCents: number;
  readonly avgAmount30d: number;
  readonly isFraud: boolean;
}
