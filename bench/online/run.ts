/**
 * The online benchmark: `tetra serve` in its own process under load from
 * autocannon (this process), for the fraud example's tree model and ONNX
 * model, batching on and off, against the HTTP floor (same HTTP stack,
 * fixed answer of the same size) and the model called in-process. All
 * servers run side by side and are measured in interleaved rounds, and the
 * median round counts, so drift on a shared machine hits every
 * configuration alike.
 *
 *   npm run bench:online            (BENCH_SECONDS=10 BENCH_ROUNDS=3 by default)
 */
import { fmt } from '../core/timing.ts';
import { inProcessRowsPerSecond } from './in-process.ts';
import { load, type LoadResult } from './load.ts';
import { startProcess, startTetra, type ServerProcess } from './server-process.ts';

const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MODELS = ['fraud-xgb', 'fraud-logreg'] as const;
export const REQUEST = JSON.stringify({ instances: [{ amount: 412.5, mcc: '5944', hour: 2, is_foreign: true, card_age_days: 12, distance_from_home_km: 3800, device_changed: true, is_online: true, txn_count_1h: 3, txn_count_24h: 7, amount_sum_24h: 1290, avg_amount_30d: 64.2 }] });

interface Target { readonly label: string; readonly url: string }
interface Row { readonly label: string; readonly c64: LoadResult; readonly c1: LoadResult }

async function main(): Promise<void> {
  console.log(`Tetra online benchmark: ${CONNECTIONS} connections, ${SECONDS} s runs, median of ${ROUNDS} interleaved rounds, one record per request\n`);
  const batched = await startTetra(64);
  const unbatched = await startTetra(1);
  const bytes = (await (await post(`${batched.url}/v1/models/fraud-xgb:predict`)).text()).length;
  const floor = await startProcess(['bench/online/floor-server.ts', '0', String(bytes)]);
  const servers: ServerProcess[] = [batched, unbatched, floor];
  try {
    const targets: Target[] = [
      { label: 'HTTP floor (fixed answer)', url: `${floor.url}/v1/models/floor:predict` },
      ...MODELS.flatMap((m) => [
        { label: `${m} batching on`, url: `${batched.url}/v1/models/${m}:predict` },
        { label: `${m} batching off`, url: `${unbatched.url}/v1/models/${m}:predict` },
      ]),
    ];
    for (const t of targets) await load(t.url, REQUEST, CONNECTIONS, 2);
    const rows = await measureRounds(targets);
    const inProcess = await inProcessRowsPerSecond(MODELS);
    print(rows, inProcess);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function post(url: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUEST });
}

async function measureRounds(targets: readonly Target[]): Promise<Row[]> {
  const c64: LoadResult[][] = targets.map(() => []);
  const c1: LoadResult[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) (c64[i] as LoadResult[]).push(await load(t.url, REQUEST, CONNECTIONS, SECONDS));
    for (const [i, t] of targets.entries()) (c1[i] as LoadResult[]).push(await load(t.url, REQUEST, 1, Math.max(2, SECONDS / 2)));
  }
  return targets.map((t, i) => ({ label: t.label, c64: median(c64[i] as LoadResult[]), c1: median(c1[i] as LoadResult[]) }));
}

/** The round with the median throughput (its latencies come with it). */
function median(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.requestsPerSec - b.requestsPerSec)[Math.floor(results.length / 2)] as LoadResult;
}

function print(rows: Row[], inProcess: Record<string, { batch1: number; batch64: number }>): void {
  console.log('run                          c=64 req/s   p50 ms   p99 ms   errors   c=1 req/s   c=1 latency us');
  for (const r of rows) {
    console.log(`${r.label.padEnd(28)} ${fmt(r.c64.requestsPerSec).padStart(10)}   ${r.c64.p50Ms.toFixed(1).padStart(6)}   ${r.c64.p99Ms.toFixed(1).padStart(6)}   ${String(r.c64.errors).padStart(6)}   ${fmt(r.c1.requestsPerSec).padStart(9)}   ${fmt(1e6 / r.c1.requestsPerSec).padStart(14)}`);
  }
  console.log('\nin-process model throughput (model.run, no HTTP, this process)');
  for (const [model, t] of Object.entries(inProcess)) console.log(`  ${model.padEnd(14)} batch 1: ${fmt(t.batch1).padStart(9)} rows/s   batch 64: ${fmt(t.batch64).padStart(10)} rows/s`);
  const floor = rows[0] as Row;
  console.log('\nratios and targets');
  for (const model of MODELS) {
    const on = rows.find((r) => r.label === `${model} batching on`) as Row;
    const off = rows.find((r) => r.label === `${model} batching off`) as Row;
    const ofFloor = on.c64.requestsPerSec / floor.c64.requestsPerSec;
    const overOff = on.c64.requestsPerSec / off.c64.requestsPerSec;
    const c1 = off.c1.requestsPerSec / on.c1.requestsPerSec;
    console.log(`  ${model}:`);
    console.log(`    batching on / HTTP floor      ${(ofFloor * 100).toFixed(0).padStart(4)}%   (target >= 90%) ${mark(ofFloor >= 0.9)}`);
    console.log(`    batching on / batching off    ${overOff.toFixed(2).padStart(5)}x  (target >= 2x) ${mark(overOff >= 2)}`);
    console.log(`    p99 at c=64                   ${on.c64.p99Ms.toFixed(1).padStart(5)} ms (target <= 15 ms) ${mark(on.c64.p99Ms <= 15)}`);
    console.log(`    c=1 latency on / off          ${(c1 * 100).toFixed(0).padStart(4)}%   (target <= 110%) ${mark(c1 <= 1.1)}`);
    console.log(`    served / in-process (batch 64) ${((on.c64.requestsPerSec / (inProcess[model]?.batch64 ?? 1)) * 100).toFixed(1).padStart(4)}%`);
  }
}

function mark(met: boolean): string {
  return met ? '[met]' : '[MISS]';
}

await main();
