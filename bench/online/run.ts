/**
 * The online benchmark: `tetra serve` in its own process under load from
 * autocannon (this process), for the fraud example's tree model and ONNX
 * model, batching on and off, against the HTTP floor (same stack, fixed
 * answer) and the model called in-process, all in one run.
 *
 *   npm run bench:online
 */
import { fmt } from '../core/timing.ts';
import { load, type LoadResult } from './load.ts';
import { startProcess, startTetra } from './server-process.ts';
import { inProcessRowsPerSecond } from './in-process.ts';

const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MODELS = ['fraud-xgb', 'fraud-logreg'] as const;
const REQUEST = JSON.stringify({ instances: [{ amount: 412.5, mcc: '5944', hour: 2, is_foreign: true, card_age_days: 12, distance_from_home_km: 3800, device_changed: true, is_online: true, txn_count_1h: 3, txn_count_24h: 7, amount_sum_24h: 1290, avg_amount_30d: 64.2 }] });

interface Row { label: string; c64: LoadResult; c1: LoadResult }

async function measure(label: string, url: string): Promise<Row> {
  await load(url, REQUEST, CONNECTIONS, 2);
  const c64 = await load(url, REQUEST, CONNECTIONS, SECONDS);
  const c1 = await load(url, REQUEST, 1, Math.max(3, SECONDS / 2));
  return { label, c64, c1 };
}

async function tetraRow(model: string, maxBatchSize: number): Promise<Row> {
  const server = await startTetra(maxBatchSize);
  try {
    return await measure(`${model} batching ${maxBatchSize > 1 ? 'on ' : 'off'}`, `${server.url}/v1/models/${model}:predict`);
  } finally {
    await server.stop();
  }
}

async function answerBytes(): Promise<number> {
  const server = await startTetra(64);
  try {
    const res = await fetch(`${server.url}/v1/models/fraud-xgb:predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUEST });
    return (await res.text()).length;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(`Tetra online benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, one record per request\n`);
  const bytes = await answerBytes();
  const floorServer = await startProcess(['bench/online/floor-server.ts', '0', String(bytes)]);
  const floor = await measure('HTTP floor (fixed answer)', `${floorServer.url}/v1/models/floor:predict`).finally(() => floorServer.stop());
  const rows: Row[] = [floor];
  for (const model of MODELS) for (const size of [64, 1]) rows.push(await tetraRow(model, size));
  const inProcess = await inProcessRowsPerSecond(MODELS);
  print(rows, inProcess);
}

function print(rows: Row[], inProcess: Record<string, { batch1: number; batch64: number }>): void {
  console.log('run                          c=64 req/s   p50 ms   p99 ms   errors   c=1 mean ms   c=1 p99 ms');
  for (const r of rows) {
    console.log(`${r.label.padEnd(28)} ${fmt(r.c64.requestsPerSec).padStart(10)}   ${r.c64.p50Ms.toFixed(1).padStart(6)}   ${r.c64.p99Ms.toFixed(1).padStart(6)}   ${String(r.c64.errors).padStart(6)}   ${r.c1.meanMs.toFixed(2).padStart(11)}   ${r.c1.p99Ms.toFixed(1).padStart(10)}`);
  }
  console.log('\nin-process model throughput (model.run, no HTTP)');
  for (const [model, t] of Object.entries(inProcess)) console.log(`  ${model.padEnd(14)} batch 1: ${fmt(t.batch1).padStart(9)} rows/s   batch 64: ${fmt(t.batch64).padStart(10)} rows/s`);
  const floor = rows[0] as Row;
  console.log('\nratios and targets');
  for (const model of MODELS) {
    const on = rows.find((r) => r.label.startsWith(`${model} batching on`)) as Row;
    const off = rows.find((r) => r.label.startsWith(`${model} batching off`)) as Row;
    const ofFloor = on.c64.requestsPerSec / floor.c64.requestsPerSec;
    const overOff = on.c64.requestsPerSec / off.c64.requestsPerSec;
    const c1 = on.c1.meanMs / off.c1.meanMs;
    console.log(`  ${model}: batching on = ${(ofFloor * 100).toFixed(0)}% of the floor (target >= 90%) ${mark(ofFloor >= 0.9)}; ${overOff.toFixed(2)}x batching off (target >= 2x) ${mark(overOff >= 2)}; p99 ${on.c64.p99Ms.toFixed(1)} ms at c=64 (target <= 15) ${mark(on.c64.p99Ms <= 15)}; c=1 latency ${(c1 * 100).toFixed(0)}% of batching off (target <= 110%) ${mark(c1 <= 1.1)}; served/in-process ${((on.c64.requestsPerSec / (inProcess[model]?.batch64 ?? 1)) * 100).toFixed(1)}%`);
  }
}

function mark(met: boolean): string {
  return met ? '[met]' : '[MISS]';
}

await main();
