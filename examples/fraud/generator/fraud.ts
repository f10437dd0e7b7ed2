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
import { legitSession } from './legit.ts';
import { type Random, WeightedTable } from './random.ts';
import { type Card, DAY_MS, MINUTE_MS, type Period, type RawTransaction } from './types.ts';
import { categoryByMcc, type Country, DAY_HOUR_WEIGHTS, type MerchantCategory, NIGHT_HOUR_WEIGHTS } from './world.ts';

/**
 * How stolen cards get used. Each scheme leaves a different, partial trace;
 * `stealth` leaves none, which is what keeps a good model's AUC below 1.
 */
type Scheme = 'card-not-present' | 'counterfeit' | 'cash-out' | 'stealth';

const SCHEMES: readonly { scheme: Scheme; weight: number }[] = [
  { scheme: 'card-not-present', weight: 0.55 },
  { scheme: 'counterfeit', weight: 0.22 },
  { scheme: 'cash-out', weight: 0.11 },
  { scheme: 'stealth', weight: 0.12 },
];

/** Resellable goods and hard-to-reverse transfers, as mcc → weight. */
const ONLINE_FRAUD_MCCS: Record<string, number> = {
  '5732': 0.25, '5944': 0.1, '4829': 0.15, '7995': 0.12, '5968': 0.06,
  '5999': 0.15, '5311': 0.07, '4121': 0.03, '5812': 0.04, '5411': 0.03,
};
const IN_PERSON_FRAUD_MCCS: Record<string, number> = {
  '5944': 0.2, '5732': 0.2, '5311': 0.15, '5999': 0.15, '5541': 0.1, '5812': 0.08, '5411': 0.07, '7995': 0.05,
};

function drawCategory(random: Random, weights: Record<string, number>): MerchantCategory {
  const mccs = Object.keys(weights);
  return categoryByMcc(mccs[random.weightedIndex(mccs.map((m) => weights[m]))]);
}

/** What stays fixed across one episode: who, where, on which device. */
interface Episode {
  readonly card: Card;
  readonly scheme: Scheme;
  readonly place: Country;
  readonly distanceKm: number | null;
  readonly newDevice: boolean;
}

/** Fraud follows the card being compromised; new cards (stolen from the mail, synthetic identities) are hit more. */
function compromiseWeight(card: Card, period: Period): number {
  const ageDays = (period.startMs - card.openMs) / DAY_MS;
  if (ageDays < 30) return 6;
  if (ageDays < 90) return 3;
  return ageDays < 365 ? 1.5 : 1;
}

/** Stolen card data is used from elsewhere, often abroad; the IP is often hidden, so distance is missing more often. */
function onlineEpisode(random: Random, card: Card): Episode {
  const roll = random.next();
  const distanceKm = roll < 0.3 ? null : roll < 0.5 ? random.logNormal(40, 1) : random.logNormal(1500, 1);
  return { card, scheme: 'card-not-present', place: card.home, distanceKm, newDevice: random.chance(0.65) };
}

/** Counterfeit cards travel to where the skimmed data is sold; cash-outs follow. */
const IN_PERSON_ODDS: Record<'counterfeit' | 'cash-out', { abroad: number; newDevice: number }> = {
  counterfeit: { abroad: 0.75, newDevice: 0.25 },
  'cash-out': { abroad: 0.65, newDevice: 0.15 },
};

function inPersonEpisode(random: Random, card: Card, scheme: 'counterfeit' | 'cash-out'): Episode {
  const odds = IN_PERSON_ODDS[scheme];
  const abroad = random.chance(odds.abroad);
  const place = abroad ? drawOtherCountry(random, card.home, (c) => c.fraudWeight) : card.home;
  const distanceKm = abroad ? abroadDistanceKm(random, card.home, place) : random.logNormal(150, 1);
  return { card, scheme, place, distanceKm, newDevice: random.chance(odds.newDevice) };
}

function fraudTxn(
  episode: Episode,
  timeMs: number,
  category: MerchantCategory,
  amountCents: number,
  merchant: Country,
): RawTransaction {
  return {
    card: episode.card,
    timeMs,
    amountCents,
    category,
    merchantCountry: merchant,
    localCountry: episode.place,
    distanceKm: episode.distanceKm,
    deviceChanged: episode.newDevice,
    isOnline: episode.scheme === 'card-not-present',
    isFraud: true,
  };
}

/** Tiny "does this card work?" charges that often precede the real ones. */
function cardTests(random: Random, episode: Episode, timeMs: number, merchant: Country): RawTransaction[] {
  if (!random.chance(0.2)) return [];
  const count = 1 + random.int(2);
  return Array.from({ length: count }, (_, i) =>
    fraudTxn(episode, timeMs + i * MINUTE_MS, categoryByMcc(i === 0 ? '5968' : '5999'), 50 + random.int(250), merchant),
  );
}

function onlineMerchant(random: Random, card: Card): Country {
  if (!random.chance(0.55)) return card.home;
  return drawOtherCountry(random, card.home, (c) => c.onlineHubWeight + c.fraudWeight);
}

/** A burst: several transactions minutes apart, larger than the cardholder's usual spend. */
function burst(random: Random, episode: Episode, period: Period, startMs: number): RawTransaction[] {
  const { card, scheme } = episode;
  const online = scheme === 'card-not-present';
  const merchant = online ? onlineMerchant(random, card) : episode.place;
  const tests = online ? cardTests(random, episode, startMs, merchant) : [];
  const out = tests.filter((t) => withinCardSpan(t.timeMs, card, period));
  let timeMs = startMs + out.length * MINUTE_MS;
  const length = 1 + random.geometric(scheme === 'cash-out' ? 0.45 : 0.5, 6);
  const gapMs = (online ? 6 : scheme === 'cash-out' ? 12 : 20) * MINUTE_MS;
  for (let i = 0; i < length && withinCardSpan(timeMs, card, period); i += 1) {
    const category =
      scheme === 'cash-out'
        ? categoryByMcc('6011')
        : drawCategory(random, online ? ONLINE_FRAUD_MCCS : IN_PERSON_FRAUD_MCCS);
    out.push(fraudTxn(episode, timeMs, category, fraudAmountCents(random, card, category), merchant));
    timeMs += MINUTE_MS / 2 + Math.round(random.exponential(gapMs));
  }
  return out;
}

/** Fraudsters drain cash machines up to the limit and buy well above the cardholder's habit. */
function fraudAmountCents(random: Random, card: Card, category: MerchantCategory): number {
  if (category.mcc === '6011') {
    const notes = Math.round(random.logNormal(300, 0.5) / 20) * 20;
    return Math.min(1000, Math.max(40, notes)) * 100;
  }
  return Math.round(drawAmountCents(random, category, card.spendScale) * random.logNormal(2.3, 0.8));
}

/** Starts soon after opening for young cards, anywhere in the card's active span otherwise. */
function episodeDay(random: Random, card: Card, period: Period): number {
  const span = activeSpan(card, period);
  if (card.openMs > period.startMs - 60 * DAY_MS) {
    const day = Math.floor((span.startMs - period.startMs + random.exponential(12 * DAY_MS)) / DAY_MS);
    if (period.startMs + day * DAY_MS < period.endMs) return day;
  }
  return drawActiveDay(random, card, period);
}

function episode(random: Random, card: Card, period: Period): RawTransaction[] {
  const { scheme } = random.pick(SCHEMES, (s) => s.weight);
  if (scheme === 'stealth') {
    // Indistinguishable from the cardholder's own spending, apart from a slightly larger amount.
    const [first] = legitSession(random, card, period);
    return [{ ...first, amountCents: Math.round(first.amountCents * random.uniform(1, 1.6)), isFraud: true }];
  }
  const ep = scheme === 'card-not-present' ? onlineEpisode(random, card) : inPersonEpisode(random, card, scheme);
  const hours = random.chance(0.45) ? NIGHT_HOUR_WEIGHTS : DAY_HOUR_WEIGHTS;
  const start = drawInstant(
    card,
    period,
    () => episodeDay(random, card, period),
    (day) => drawLocalTime(random, period, day, ep.place, hours),
  );
  return burst(random, ep, period, start.timeMs);
}

/** Exactly `count` fraudulent transactions, in episodes on compromised cards. */
export function fraudTransactions(
  random: Random,
  cards: readonly Card[],
  period: Period,
  count: number,
): RawTransaction[] {
  const table = new WeightedTable(cards, (card) => compromiseWeight(card, period));
  const out: RawTransaction[] = [];
  while (out.length < count) {
    for (const txn of episode(random, table.draw(random), period)) {
      if (out.length < count) out.push(txn);
    }
  }
  return out;
}
