import type { Random } from './random.ts';
import { type Card, DAY_MS, HOUR_MS, MINUTE_MS, type Period } from './types.ts';
import {
  centroidDistanceKm,
  COUNTRIES,
  type Country,
  DAY_HOUR_WEIGHTS,
  type MerchantCategory,
  SUBSCRIPTION_PRICES,
} from './world.ts';

/** Amount in cents for one purchase in `category` by a cardholder spending at `scale` times the norm. */
export function drawAmountCents(random: Random, category: MerchantCategory, scale: number): number {
  if (category.mcc === '5968') return Math.round(SUBSCRIPTION_PRICES[random.int(SUBSCRIPTION_PRICES.length)] * 100);
  const amount = random.logNormal(category.medianAmount * scale, category.amountSigma);
  // Cash machines dispense notes, so withdrawals are multiples of 20.
  if (category.mcc === '6011') return Math.max(20, Math.round(amount / 20) * 20) * 100;
  return Math.max(100, Math.round(amount * 100));
}

/**
 * A UTC instant on period day `day` whose local hour in `country` follows
 * `hourWeights`. Activity is drawn in local time because people shop by
 * their own clock, not by UTC.
 */
export function drawLocalTime(
  random: Random,
  period: Period,
  day: number,
  country: Country,
  hourWeights: readonly number[] = DAY_HOUR_WEIGHTS,
): number {
  const localMidnightUtc = period.startMs + day * DAY_MS - country.utcOffsetMinutes * MINUTE_MS;
  const hour = random.weightedIndex(hourWeights);
  const second = random.int(3600);
  return localMidnightUtc + hour * HOUR_MS + second * 1000;
}

/** Whether `card` can transact at `timeMs` inside the period. */
export function withinCardSpan(timeMs: number, card: Card, period: Period): boolean {
  return timeMs >= Math.max(card.openMs, period.startMs) && timeMs < period.endMs;
}

/**
 * Draws a day and a time on it until the instant falls inside the card's
 * span. Rejection rather than clamping: clamping would pile transactions up
 * at the period edges and at card opening.
 */
export function drawInstant(
  card: Card,
  period: Period,
  pickDay: () => number,
  timeOnDay: (day: number) => number,
): { day: number; timeMs: number } {
  for (;;) {
    const day = pickDay();
    const timeMs = timeOnDay(day);
    if (withinCardSpan(timeMs, card, period)) return { day, timeMs };
  }
}

/**
 * A period day (by UTC date) on which `card` may transact. One day either
 * side is included because a local day overlaps two UTC days; `drawInstant`
 * rejects the instants that fall outside.
 */
export function drawActiveDay(random: Random, card: Card, period: Period): number {
  const first = Math.max(0, Math.ceil((card.openMs - period.startMs) / DAY_MS)) - 1;
  const days = Math.round((period.endMs - period.startMs) / DAY_MS);
  return first + random.int(days + 1 - first);
}

/** Distance between two countries as seen by a geolocated terminal: centroid distance with spread. */
export function abroadDistanceKm(random: Random, home: Country, there: Country): number {
  return Math.max(50, centroidDistanceKm(home, there) * random.uniform(0.6, 1.4));
}

/** A country other than `home`, weighted by `weightOf`. */
export function drawOtherCountry(random: Random, home: Country, weightOf: (c: Country) => number): Country {
  return random.pick(
    COUNTRIES.filter((c) => c.code !== home.code),
    weightOf,
  );
}
