/**
 * The fixed world the synthetic transactions happen in: countries, merchant
 * categories and daily rhythms. The numbers are plausible, not measured; what
 * matters is that legitimate and fraudulent traffic differ in learnable but
 * overlapping ways.
 */

export interface Country {
  readonly code: string;
  /** Standard-time offset; daylight saving is ignored to keep `hour` easy to check. */
  readonly utcOffsetMinutes: number;
  readonly lat: number;
  readonly lon: number;
  /** Share of cards issued here. */
  readonly homeWeight: number;
  /** Popularity as a holiday destination. */
  readonly travelWeight: number;
  /** Where stolen card data tends to be used. Overlaps with travel on purpose. */
  readonly fraudWeight: number;
  /** Where online merchants are registered. */
  readonly onlineHubWeight: number;
}

const country = (
  code: string,
  utcOffsetMinutes: number,
  lat: number,
  lon: number,
  weights: [home: number, travel: number, fraud: number, onlineHub: number],
): Country => ({
  code,
  utcOffsetMinutes,
  lat,
  lon,
  homeWeight: weights[0],
  travelWeight: weights[1],
  fraudWeight: weights[2],
  onlineHubWeight: weights[3],
});

export const COUNTRIES: readonly Country[] = [
  country('US', -300, 39.8, -98.6, [0.3, 0.14, 0.12, 0.4]),
  country('GB', 0, 54.0, -2.0, [0.12, 0.1, 0.08, 0.15]),
  country('DE', 60, 51.2, 10.4, [0.12, 0.06, 0.04, 0.02]),
  country('FR', 60, 46.6, 2.2, [0.1, 0.12, 0.05, 0.02]),
  country('ES', 60, 40.4, -3.7, [0.07, 0.12, 0.03, 0]),
  country('IT', 60, 42.8, 12.6, [0.06, 0.1, 0.03, 0]),
  country('NL', 60, 52.1, 5.3, [0.05, 0.05, 0.05, 0.1]),
  country('CA', -300, 56.1, -106.3, [0.06, 0.04, 0.03, 0]),
  country('BR', -180, -14.2, -51.9, [0.04, 0.03, 0.1, 0]),
  country('MX', -360, 23.6, -102.6, [0.03, 0.08, 0.06, 0]),
  country('IN', 330, 20.6, 79.0, [0.03, 0.02, 0.06, 0]),
  country('JP', 540, 36.2, 138.3, [0.02, 0.05, 0.02, 0]),
  country('IE', 0, 53.4, -8.2, [0, 0.03, 0.02, 0.25]),
  country('LU', 60, 49.8, 6.1, [0, 0.005, 0.01, 0.1]),
  country('TH', 420, 15.9, 101.0, [0, 0.06, 0.04, 0]),
  country('AE', 240, 23.4, 53.8, [0, 0.04, 0.05, 0]),
  country('NG', 60, 9.1, 8.7, [0, 0.005, 0.12, 0]),
  country('RO', 120, 45.9, 25.0, [0, 0.01, 0.1, 0]),
  country('CN', 480, 35.9, 104.2, [0, 0.02, 0.06, 0]),
];

export interface MerchantCategory {
  readonly mcc: string;
  readonly label: string;
  /** Share of ordinary card spend. */
  readonly legitWeight: number;
  /** Typical amount for an average cardholder, in currency units. */
  readonly medianAmount: number;
  readonly amountSigma: number;
  /** Share of legitimate transactions in this category made card-not-present. */
  readonly onlineShare: number;
}

const category = (
  mcc: string,
  label: string,
  legitWeight: number,
  medianAmount: number,
  amountSigma: number,
  onlineShare: number,
): MerchantCategory => ({ mcc, label, legitWeight, medianAmount, amountSigma, onlineShare });

export const CATEGORIES: readonly MerchantCategory[] = [
  category('5411', 'grocery', 0.22, 45, 0.7, 0.05),
  category('5812', 'restaurants', 0.18, 30, 0.6, 0.1),
  category('5541', 'fuel', 0.1, 50, 0.4, 0),
  category('4121', 'taxi and ride hailing', 0.06, 22, 0.6, 0.3),
  category('5311', 'department store', 0.08, 70, 0.8, 0.2),
  category('5732', 'electronics', 0.03, 120, 1.0, 0.35),
  category('5944', 'jewelry', 0.01, 180, 1.0, 0.15),
  category('4829', 'money transfer', 0.02, 200, 0.9, 0.6),
  category('7995', 'gambling', 0.015, 50, 1.0, 0.7),
  category('5968', 'subscriptions', 0.08, 12, 0.5, 1),
  category('6011', 'ATM cash', 0.06, 100, 0.6, 0),
  category('5999', 'miscellaneous retail', 0.135, 35, 0.9, 0.3),
];

export function categoryByMcc(mcc: string): MerchantCategory {
  const found = CATEGORIES.find((c) => c.mcc === mcc);
  if (found === undefined) throw new Error(`unknown mcc ${mcc}`);
  return found;
}

/** Relative activity by local hour: quiet nights, lunch and evening peaks. */
export const DAY_HOUR_WEIGHTS: readonly number[] = [
  0.6, 0.35, 0.25, 0.2, 0.2, 0.35, 1.0, 2.0, 3.2, 4.0, 4.6, 5.2, 6.5, 6.2, 5.4, 5.2, 5.6, 6.4, 7.0, 6.5, 5.2, 3.8,
  2.4, 1.2,
];

/** Fraudsters often act while the cardholder sleeps (or from another time zone). */
export const NIGHT_HOUR_WEIGHTS: readonly number[] = [
  3, 4, 4, 3.5, 2.5, 1.5, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 2,
];

/** Subscription prices cluster on a few price points rather than a smooth distribution. */
export const SUBSCRIPTION_PRICES: readonly number[] = [4.99, 9.99, 12.99, 14.99, 19.99, 29.99, 49.99];

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance between two country centroids. */
export function centroidDistanceKm(from: Country, to: Country): number {
  const rad = Math.PI / 180;
  const dLat = (to.lat - from.lat) * rad;
  const dLon = (to.lon - from.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(from.lat * rad) * Math.cos(to.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
