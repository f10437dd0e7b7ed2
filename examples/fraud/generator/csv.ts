import type { TransactionRow } from './types.ts';

export const CSV_HEADER = [
  'transaction_id',
  'card_id',
  'timestamp',
  'amount',
  'mcc',
  'merchant_country',
  'home_country',
  'hour',
  'is_foreign',
  'card_age_days',
  'distance_from_home_km',
  'device_changed',
  'is_online',
  'txn_count_1h',
  'txn_count_24h',
  'amount_sum_24h',
  'avg_amount_30d',
  'is_fraud',
].join(',');

const money = (cents: number): string => (cents / 100).toFixed(2);

/** No field can contain a comma or quote, so no quoting is needed; a missing value is an empty cell. */
export function csvLine(row: TransactionRow): string {
  return [
    row.transactionId,
    row.cardId,
    row.timestamp,
    money(row.amountCents),
    row.mcc,
    row.merchantCountry,
    row.homeCountry,
    row.hour,
    row.isForeign,
    row.cardAgeDays,
    row.distanceKm === null ? '' : row.distanceKm.toFixed(1),
    row.deviceChanged,
    row.isOnline,
    row.txnCount1h,
    row.txnCount24h,
    money(row.amountSum24hCents),
    row.avgAmount30d.toFixed(2),
    row.isFraud ? 1 : 0,
  ].join(',');
}
