import { type Card, DAY_MS, HOUR_MS, MINUTE_MS, type RawTransaction, type TransactionRow } from './types.ts';

/**
 * Puts transactions in time order and makes every timestamp unique and
 * strictly increasing (whole seconds), so "previous transactions" is never
 * ambiguous and the file can be replayed as a stream.
 */
export function orderStream(transactions: RawTransaction[]): RawTransaction[] {
  const sorted = transactions
    .map((txn, index) => ({ txn, index }))
    .sort((x, y) => x.txn.timeMs - y.txn.timeMs || x.index - y.index)
    .map(({ txn }) => txn);
  let previous = Number.NEGATIVE_INFINITY;
  for (const txn of sorted) {
    txn.timeMs = Math.max(Math.floor(txn.timeMs / 1000) * 1000, previous + 1000);
    previous = txn.timeMs;
  }
  return sorted;
}

/**
 * A card's history with one moving start index per window. Windows are
 * (t - width, t): they hold earlier transactions only, never the current one,
 * which is what a scorer can know at authorisation time.
 */
class CardHistory {
  private readonly times: number[] = [];
  private readonly cents: number[] = [];
  private start1h = 0;
  private start24h = 0;
  private start30d = 0;
  private sum24h = 0;
  private sum30d = 0;

  observe(timeMs: number): { count1h: number; count24h: number; sum24hCents: number; avg30dCents: number } {
    while (this.start1h < this.times.length && this.times[this.start1h] <= timeMs - HOUR_MS) this.start1h += 1;
    while (this.start24h < this.times.length && this.times[this.start24h] <= timeMs - DAY_MS) {
      this.sum24h -= this.cents[this.start24h];
      this.start24h += 1;
    }
    while (this.start30d < this.times.length && this.times[this.start30d] <= timeMs - 30 * DAY_MS) {
      this.sum30d -= this.cents[this.start30d];
      this.start30d += 1;
    }
    const count30d = this.times.length - this.start30d;
    return {
      count1h: this.times.length - this.start1h,
      count24h: this.times.length - this.start24h,
      sum24hCents: this.sum24h,
      // No history yet (a new card, or the start of the data) reads as 0.
      avg30dCents: count30d === 0 ? 0 : this.sum30d / count30d,
    };
  }

  add(timeMs: number, amountCents: number): void {
    this.times.push(timeMs);
    this.cents.push(amountCents);
    this.sum24h += amountCents;
    this.sum30d += amountCents;
  }
}

/** Local hour where the transaction happens (merchant for in-person, cardholder's home for online). */
function localHour(txn: RawTransaction): number {
  const localMs = txn.timeMs + txn.localCountry.utcOffsetMinutes * MINUTE_MS;
  return Math.floor((((localMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

function isoSeconds(timeMs: number): string {
  return `${new Date(timeMs).toISOString().slice(0, 19)}Z`;
}

/** Derives the per-card window features from the ordered stream itself. */
export function toRows(ordered: readonly RawTransaction[]): TransactionRow[] {
  const histories = new Map<Card, CardHistory>();
  return ordered.map((txn, index) => {
    let history = histories.get(txn.card);
    if (history === undefined) {
      history = new CardHistory();
      histories.set(txn.card, history);
    }
    const window = history.observe(txn.timeMs);
    history.add(txn.timeMs, txn.amountCents);
    return {
      transactionId: `T${String(index + 1).padStart(8, '0')}`,
      cardId: txn.card.id,
      timestamp: isoSeconds(txn.timeMs),
      amountCents: txn.amountCents,
      mcc: txn.category.mcc,
      merchantCountry: txn.merchantCountry.code,
      homeCountry: txn.card.home.code,
      hour: localHour(txn),
      isForeign: txn.merchantCountry.code !== txn.card.home.code,
      cardAgeDays: Math.floor((txn.timeMs - txn.card.openMs) / DAY_MS),
      distanceKm: txn.distanceKm,
      deviceChanged: txn.deviceChanged,
      isOnline: txn.isOnline,
      txnCount1h: window.count1h,
      txnCount24h: window.count24h,
      amountSum24hCents: window.sum24hCents,
      avgAmount30d: window.avg30dCents / 100,
      isFraud: txn.isFraud,
    };
  });
}
