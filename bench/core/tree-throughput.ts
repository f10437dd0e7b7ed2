/**
 * Tree-model throughput: Tetra's native XGBoost evaluator against
 * onnxruntime-node (single-threaded) on the same 200-tree, depth-6 model,
 * rows per second at batch 1, 64 and 4096.
 *
 *   node --import tsx bench/core/tree-throughput.ts
 *
 * The models come from bench/core/make-models.py.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { type LoadedModel, tensor } from '../../src/core/index.ts';
import { xgboostRuntime } from '../../src/runtimes/xgboost/index.ts';

export interface ThroughputRow {
  batch: number;
  nativeRowsPerSec: number;
  ortRowsPerSec: number;
  ratio: number;
}

const MODELS = join(dirname(fileURLToPath(import.meta.url)), 'models');
const NUM_FEATURES = 30;
const POOL_ROWS = 4096;
const BATCHES = [1, 64, 4096];
const WARMUP_MS = 200;
/** Each engine is timed in alternating rounds and keeps its best, so a noisy neighbour hurts neither side alone. */
const ROUNDS = 4;
const ROUND_MS = 250;

export async function measureTreeThroughput(): Promise<ThroughputRow[]> {
  const native = await xgboostRuntime.load({ path: join(MODELS, 'gbdt-200x6.json') });
  const ort = await InferenceSession.create(join(MODELS, 'gbdt-200x6.onnx'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  try {
    const pool = makeRows(POOL_ROWS);
    await checkAgreement(native, ort, pool);
    const rows: ThroughputRow[] = [];
    for (const batch of BATCHES) {
      const batches = slices(pool, batch);
      const runNative = (i: number) => native.run({ features: tensor('float32', [batch, NUM_FEATURES], batches[i] as Float32Array) }, { outputs: ['prediction'] });
      const runOrt = (i: number) => ort.run({ features: new OrtTensor('float32', batches[i] as Float32Array, [batch, NUM_FEATURES]) }, ['prediction']);
      await timeCalls(batches.length, runNative, WARMUP_MS);
      await timeCalls(batches.length, runOrt, WARMUP_MS);
      let nativeRowsPerSec = 0;
      let ortRowsPerSec = 0;
      for (let round = 0; round < ROUNDS; round++) {
        nativeRowsPerSec = Math.max(nativeRowsPerSec, batch * (await timeCalls(batches.length, runNative, ROUND_MS)));
        ortRowsPerSec = Math.max(ortRowsPerSec, batch * (await timeCalls(batches.length, runOrt, ROUND_MS)));
      }
      rows.push({ batch, nativeRowsPerSec, ortRowsPerSec, ratio: nativeRowsPerSec / ortRowsPerSec });
    }
    return rows;
  } finally {
    await native.unload();
    await ort.release();
  }
}

/** Deterministic standard-normal-ish features with about 5% missing, like the training data. */
function makeRows(count: number): Float32Array {
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const out = new Float32Array(count * NUM_FEATURES);
  for (let i = 0; i < out.length; i++) {
    const gaussian = (next() + next() + next() + next() - 2) * Math.sqrt(3);
    out[i] = next() < 0.05 ? Number.NaN : gaussian;
  }
  return out;
}

/** Distinct views of the pool so small batches do not keep re-reading one row. */
function slices(pool: Float32Array, batch: number): Float32Array[] {
  const count = Math.max(1, Math.floor(POOL_ROWS / batch));
  return Array.from({ length: count }, (_, i) => pool.subarray(i * batch * NUM_FEATURES, (i + 1) * batch * NUM_FEATURES));
}

/** Calls per second over about `ms` milliseconds, cycling through the input variants. */
async function timeCalls(variants: number, call: (i: number) => Promise<unknown>, ms: number): Promise<number> {
  const start = performance.now();
  let calls = 0;
  let now = start;
  while (now - start < ms) {
    // Read the clock every few calls so timing does not weigh on small batches.
    for (let k = 0; k < 16; k++) {
      await call(calls % variants);
      calls++;
    }
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

/** The two engines must compute the same probabilities, or the comparison means nothing. */
async function checkAgreement(native: LoadedModel, ort: InferenceSession, pool: Float32Array): Promise<void> {
  const a = (await native.run({ features: tensor('float32', [POOL_ROWS, NUM_FEATURES], pool) }, { outputs: ['prediction'] })).prediction?.data as Float32Array;
  const b = (await ort.run({ features: new OrtTensor('float32', pool, [POOL_ROWS, NUM_FEATURES]) }, ['prediction'])).prediction?.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < POOL_ROWS; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  if (!(worst <= 1e-5)) throw new Error(`native and onnxruntime predictions differ by up to ${worst}`);
}

function printTable(rows: ThroughputRow[]): void {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);
  console.log('batch   native rows/s      ORT rows/s   native/ORT');
  for (const r of rows) console.log(`${String(r.batch).padStart(5)}  ${fmt(r.nativeRowsPerSec)}    ${fmt(r.ortRowsPerSec)}   ${r.ratio.toFixed(2).padStart(9)}x`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await measureTreeThroughput());
}
