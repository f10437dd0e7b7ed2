import { Random } from './random.ts';
import { type Card, type Period, type Trip, DAY_MS } from './types.ts';
import { CATEGORIES, COUNTRIES, type Country } from './world.ts';

/** Some cardholders gamble or send remittances routinely, so those categories alone do not mean fraud. */
function categoryWeights(random: Random): number[] {
  const gambler = random.chance(0.04);
  const remitter = random.chance(0.03);
  return CATEGORIES.map((c) => {
    let weight = c.legitWeight * random.logNormal(1, 0.5);
    if (gambler && c.mcc === '7995') weight *= 12;
    if ((gambler || remitter) && c.mcc === '4829') weight *= 6;
    return weight;
  });
}

/**
 * Card open date at UTC midnight. Most cards are years old; a few are new or
 * are issued during the period, because fraud concentrates on young cards and
 * the model needs to see young legitimate cards too.
 */
function openMs(random: Random, period: Period): number {
  const periodDays = Math.round((period.endMs - period.startMs) / DAY_MS);
  const roll = random.next();
  if (roll < 0.08) return period.startMs + random.int(Math.floor(periodDays * 0.8)) * DAY_MS;
  const ageDays =
    roll < 0.18 ? 1 + random.int(90) : Math.round(Math.min(7300, Math.max(90, random.logNormal(900, 0.8))));
  return period.startMs - ageDays * DAY_MS;
}

/** A holiday abroad: legitimate foreign, far-from-home spending. */
function maybeTrip(random: Random, home: Country, open: number, period: Period): Trip | undefined {
  if (!random.chance(0.25)) return undefined;
  const destinations = COUNTRIES.filter((c) => c.code !== home.code);
  const country = random.pick(destinations, (c) => c.travelWeight);
  const earliest = Math.max(open, period.startMs);
  const startMs = earliest + random.int(Math.max(1, Math.floor((period.endMs - earliest) / DAY_MS))) * DAY_MS;
  const endMs = Math.min(period.endMs, startMs + (3 + random.int(12)) * DAY_MS);
  return { country, startMs, endMs };
}

export function makeCards(random: Random, count: number, period: Period): Card[] {
  const cards: Card[] = [];
  for (let i = 0; i < count; i += 1) {
    const home = random.pick(COUNTRIES, (c) => c.homeWeight);
    const open = openMs(random, period);
    const trip = maybeTrip(random, home, open, period);
    cards.push({
      id: `C${String(i + 1).padStart(5, '0')}`,
      home,
      openMs: open,
      spendScale: random.logNormal(1, 0.5),
      activity: random.logNormal(1, 0.6),
      categoryWeights: categoryWeights(random),
      nightOwl: random.chance(0.08),
      ...(trip === undefined ? {} : { trip }),
    });
  }
  return cards;
}

/** The part of the period a card can transact in. */
export function activeSpan(card: Card, period: Period): Period {
  return { startMs: Math.max(card.openMs, period.startMs), endMs: period.endMs };
}
