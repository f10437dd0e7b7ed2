import { activeSpan } from './cards.ts';
import {
  abroadDistanceKm,
  drawActiveDay,
  drawAmountCents,
  drawInstant,
  drawLocalTime,
  drawOtherCountry,
  withinCardSpan,
} from './draws.ts';
import { type Random, WeightedTable } from './random.ts';
import { type Card, DAY_MS, MINUTE_MS, type Period, type RawTransaction } from './types.ts';
import { CATEGORIES, type Country, DAY_HOUR_WEIGHTS, type MerchantCategory, NIGHT_HOUR_WEIGHTS } from './world.ts';

/** Where a cardholder is on a given day, which decides merchant country, time zone and distance. */
interface Whereabouts {
  readonly country: Country;
  readonly abroad: boolean;
}

function whereabouts(card: Card, dayStartMs: number): Whereabouts {
  const trip = card.trip;
  if (trip !== undefined && dayStartMs >= trip.startMs && dayStartMs < trip.endMs) {
    return { country: trip.country, abroad: true };
  }
  return { country: card.home, abroad: false };
}

/**
 * Distance of the terminal (in person) or of the geolocated IP address
 * (online) from the cardholder's home. Online purchases without a resolvable
 * location have none, which is where the dataset's missing values come from.
 */
function legitDistanceKm(random: Random, card: Card, where: Whereabouts, isOnline: boolean): number | null {
  if (isOnline && random.chance(0.22)) return null;
  if (!isOnline && random.chance(0.004)) return null;
  if (where.abroad) return abroadDistanceKm(random, card.home, where.country);
  if (!isOnline && random.chance(0.03)) return random.logNormal(300, 0.8);
  return random.logNormal(isOnline ? 12 : 7, isOnline ? 1.2 : 1.1);
}

/** Online shops are often registered abroad (app stores, marketplaces); shops in person are where the cardholder is. */
function merchantCountry(random: Random, card: Card, where: Whereabouts, isOnline: boolean): Country {
  if (!isOnline) return where.country;
  return random.chance(0.8) ? card.home : drawOtherCountry(random, card.home, (c) => c.onlineHubWeight);
}

function legitPurchase(random: Random, card: Card, where: Whereabouts, timeMs: number): RawTransaction {
  const category: MerchantCategory = CATEGORIES[random.weightedIndex(card.categoryWeights)];
  const isOnline = random.chance(category.onlineShare);
  // A bought-once-a-year television or ring: large amounts happen legitimately too.
  const splurge = random.chance(0.015) ? random.uniform(3, 8) : 1;
  return {
    card,
    timeMs,
    amountCents: Math.round(drawAmountCents(random, category, card.spendScale) * splurge),
    category,
    merchantCountry: merchantCountry(random, card, where, isOnline),
    // The hour feature is defined by a country in the row: the merchant's in person, home online.
    localCountry: isOnline ? card.home : where.country,
    distanceKm: legitDistanceKm(random, card, where, isOnline),
    deviceChanged: random.chance(isOnline ? 0.05 : 0.015),
    isOnline,
    isFraud: false,
  };
}

/**
 * One shopping session: a purchase and sometimes a few more within the hour
 * (dinner then a taxi). Legitimate velocity keeps burst features from being
 * a fraud giveaway.
 */
export function legitSession(random: Random, card: Card, period: Period): RawTransaction[] {
  const hours = card.nightOwl && random.chance(0.4) ? NIGHT_HOUR_WEIGHTS : DAY_HOUR_WEIGHTS;
  const start = drawInstant(
    card,
    period,
    () => drawActiveDay(random, card, period),
    (day) => drawLocalTime(random, period, day, whereabouts(card, period.startMs + day * DAY_MS).country, hours),
  );
  const where = whereabouts(card, period.startMs + start.day * DAY_MS);
  let timeMs = start.timeMs;
  const session = [legitPurchase(random, card, where, timeMs)];
  const followUps = random.geometric(0.25, 4);
  for (let i = 0; i < followUps; i += 1) {
    timeMs += MINUTE_MS + Math.round(random.exponential(15 * MINUTE_MS));
    if (!withinCardSpan(timeMs, card, period)) break;
    session.push(legitPurchase(random, card, where, timeMs));
  }
  return session;
}

/** Exactly `count` legitimate transactions, spread over cards by their activity. */
export function legitTransactions(
  random: Random,
  cards: readonly Card[],
  period: Period,
  count: number,
): RawTransaction[] {
  const periodMs = period.endMs - period.startMs;
  const table = new WeightedTable(cards, (card) => {
    const span = activeSpan(card, period);
    return (card.activity * (span.endMs - span.startMs)) / periodMs;
  });
  const out: RawTransaction[] = [];
  while (out.length < count) {
    for (const txn of legitSession(random, table.draw(random), period)) {
      if (out.length < count) out.push(txn);
    }
  }
  return out;
}
