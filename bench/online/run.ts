/**
 * The online benchmark: `tetra serve` in its own process under load from
 * autocannon (this process), for the fraud example's tree model and ONNX
 * model, batching on and off, against the HTTP floor (same HTTP stack,
 * fixed answer of the same size) and the model called in-process. All
 * servers run side by side and are measured in interleaved rounds.
 *
 * This machine's speed drifts by more than a third within minutes, so each
 * ratio is taken within a round, between runs made back to back: each
 * model's runs follow a floor run of their own (floor, on, off), and the
 * ratio printed is the median of the rounds' ratios. The throughput table
 * shows each configuration's median round.
 *
 *   npm run bench:online            (BENCH_SECONDS=8 BENCH_ROUNDS=5 by default)
 */
import { fmt } from '../core/timing.ts';
import { inProcessRowsPerSecond } from './in-process.ts';
import { load, type LoadResult } from './load.ts';
import { startProcess, startTetra, type ServerProcess } from './server-process.ts';

const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MODELS = ['fraud-xgb', 'fraud-logreg'] as const;
export const REQUEST = JSON.stringify({ instances: [{ amount: 412.5, mcc: '5944', hour: 2, is_foreign: true, card_age_days: 12, distance_from_home_km: 3800, device_changed: true, is_online: true, txn_count_1h: 3, txn_count_24h: 7, amount_sum_24h: 1290, avg_amount_30d: 64.2 }] });

interface Target { readonly label: string; readonly url: string }
interface Row { readonly label: string; readonly c64: LoadResult; readonly c1: LoadResult }
/** Each configuration's runs, round by round. */
interface Rounds { readonly c64: LoadResult[][]; readonly c1: LoadResult[][] }

async function main(): Promise<void> {
  console.log(`Tetra online benchmark: ${CONNECTIONS} connections, ${SECONDS} s runs, median of ${ROUNDS} interleaved rounds, one record per request\n`);
  const batched = await startTetra(64);
  const unbatched = await startTetra(1);
  const bytes = (await (await post(`${batched.url}/v1/models/fraud-xgb:predict`)).text()).length;
  const floor = await startProcess(['bench/online/floor-server.ts', '0', String(bytes)]);
  const servers: ServerProcess[] = [batched, unbatched, floor];
  try {
    const floorTarget = { label: 'HTTP floor (fixed answer)', url: `${floor.url}/v1/models/floor:predict` };
    // Run order within a round: floor, then each model's pair right after a floor run of its own.
    const order: Target[] = MODELS.flatMap((m) => [
      floorTarget,
      { label: `${m} batching on`, url: `${batched.url}/v1/models/${m}:predict` },
      { label: `${m} batching off`, url: `${unbatched.url}/v1/models/${m}:predict` },
    ]);
    for (const t of order) await load(t.url, REQUEST, CONNECTIONS, 2);
    const rounds = await measureRounds(order);
    const inProcess = await inProcessRowsPerSecond(MODELS);
    print(order, rounds, inProcess);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function post(url: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUEST });
}

/** `order`'s runs at c=64, then at c=1, each round; results by position in `order`. */
async function measureRounds(order: readonly Target[]): Promise<Rounds> {
  const c64: LoadResult[][] = order.map(() => []);
  const c1: LoadResult[][] = order.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of order.entries()) (c64[i] as LoadResult[]).push(await load(t.url, REQUEST, CONNECTIONS, SECONDS));
    for (const [i, t] of order.entries()) (c1[i] as LoadResult[]).push(await load(t.url, REQUEST, 1, Math.max(2, SECONDS / 2)));
  }
  return { c64, c1 };
}

/** The round with the median throughput (its latencies come with it). */
function median(results: readonly LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.requestsPerSec - b.requestsPerSec)[Math.floor(results.length / 2)] as LoadResult;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median over rounds of `a`'s figure over `b`'s, each from the same round. */
function pairedRatio(a: readonly LoadResult[], b: readonly LoadResult[], figure: (r: LoadResult) => number): { median: number; each: number[] } {
  const each = a.map((r, i) => figure(r) / figure(b[i] as LoadResult));
  return { median: medianOf(each), each };
}

function print(order: readonly Target[], rounds: Rounds, inProcess: Record<string, { batch1: number; batch64: number }>): void {
  // The table: one row per configuration, the floor's runs pooled.
  const labels = [...new Set(order.map((t) => t.label))];
  const runsOf = (label: string, at: LoadResult[][]): LoadResult[] => order.flatMap((t, i) => (t.label === label ? (at[i] as LoadResult[]) : []));
  const rows: Row[] = labels.map((label) => ({ label, c64: median(runsOf(label, rounds.c64)), c1: median(runsOf(label, rounds.c1)) }));
  console.log('run                          c=64 req/s   p50 ms   p99 ms   errors   c=1 req/s   c=1 latency us');
  for (const r of rows) {
    console.log(`${r.label.padEnd(28)} ${fmt(r.c64.requestsPerSec).padStart(10)}   ${r.c64.p50Ms.toFixed(1).padStart(6)}   ${r.c64.p99Ms.toFixed(1).padStart(6)}   ${String(r.c64.errors).padStart(6)}   ${fmt(r.c1.requestsPerSec).padStart(9)}   ${fmt(1e6 / r.c1.requestsPerSec).padStart(14)}`);
  }
  console.log('\nin-process model throughput (model.run, no HTTP, this process)');
  for (const [model, t] of Object.entries(inProcess)) console.log(`  ${model.padEnd(14)} batch 1: ${fmt(t.batch1).padStart(9)} rows/s   batch 64: ${fmt(t.batch64).padStart(10)} rows/s`);
  console.log(`\nratios and targets: the median of ${ROUNDS} rounds' ratios, each between runs made back to back (each round's ratio in brackets)`);
  const percents = (each: readonly number[]): string => `[${each.map((r) => (r * 100).toFixed(0)).join(' ')}]`;
  for (const model of MODELS) {
    // The model's runs in `order`: its own floor run, batching on, batching off.
    const onAt = order.findIndex((t) => t.label === `${model} batching on`);
    const floorAt = onAt - 1;
    const offAt = onAt + 1;
    const on = rows.find((r) => r.label === `${model} batching on`) as Row;
    const rps = (r: LoadResult): number => r.requestsPerSec;
    const ofFloor = pairedRatio(rounds.c64[onAt] as LoadResult[], rounds.c64[floorAt] as LoadResult[], rps);
    const overOff = pairedRatio(rounds.c64[onAt] as LoadResult[], rounds.c64[offAt] as LoadResult[], rps);
    // Latency at c=1 is one request at a time: its reciprocal throughput.
    const c1 = pairedRatio(rounds.c1[offAt] as LoadResult[], rounds.c1[onAt] as LoadResult[], rps);
    console.log(`  ${model}:`);
    console.log(`    batching on / HTTP floor      ${(ofFloor.median * 100).toFixed(0).padStart(4)}%   (target >= 90%) ${mark(ofFloor.median >= 0.9)} ${percents(ofFloor.each)}`);
    console.log(`    batching on / batching off    ${overOff.median.toFixed(2).padStart(5)}x  (target >= 2x) ${mark(overOff.median >= 2)} [${overOff.each.map((r) => r.toFixed(2)).join(' ')}]`);
    console.log(`    p99 at c=64                   ${on.c64.p99Ms.toFixed(1).padStart(5)} ms (target <= 15 ms) ${mark(on.c64.p99Ms <= 15)}`);
    console.log(`    c=1 latency on / off          ${(c1.median * 100).toFixed(0).padStart(4)}%   (target <= 110%) ${mark(c1.median <= 1.1)} ${percents(c1.each)}`);
    console.log(`    served / in-process (batch 64) ${((on.c64.requestsPerSec / (inProcess[model]?.batch64 ?? 1)) * 100).toFixed(1).padStart(4)}%`);
  }
}

function mark(met: boolean): string {
  return met ? '[met]' : '[MISS]';
}

await main();
