/**
 * The core benchmark: native tree evaluation against onnxruntime on the same
 * trees, records -> tensor conversion, and what `infer()` adds over calling
 * the runtime directly. Every figure comes from this one run.
 *
 *   npm run bench:core
 */
import { measureCodec } from './codec-throughput.ts';
import { measureInferOverhead } from './infer-overhead.ts';
import { fmt } from './timing.ts';
import { measureTreeThroughput } from './tree-throughput.ts';

const TARGETS = { batch1Ratio: 3, batch4096Ratio: 1.2, overheadUs: 10 };

async function main(): Promise<void> {
  console.log('Tetra core benchmark (single thread; 200 trees, depth 6, 30 features, binary:logistic)\n');
  const trees = await measureTreeThroughput();
  console.log('batch   native rows/s   onnxruntime rows/s   native/ORT');
  for (const r of trees) console.log(`${String(r.batch).padStart(5)}   ${fmt(r.nativeRowsPerSec).padStart(13)}   ${fmt(r.ortRowsPerSec).padStart(18)}   ${r.ratio.toFixed(2).padStart(9)}x`);

  const codec = await measureCodec();
  console.log(`\nrecords -> tensor (fraud example, 12 features, batch 4096)`);
  console.log(`  typed JSON values   ${fmt(codec.typedRowsPerSec).padStart(12)} rows/s`);
  console.log(`  CSV text cells      ${fmt(codec.textRowsPerSec).padStart(12)} rows/s`);

  const overhead = await measureInferOverhead();
  console.log(`\ninfer() overhead (${overhead.model}, one record per call, sequential)`);
  console.log(`  runtime run() direct  ${overhead.directUs.toFixed(1).padStart(7)} us/call`);
  console.log(`  service infer()       ${overhead.inferUs.toFixed(1).padStart(7)} us/call`);
  console.log(`  overhead              ${overhead.overheadUs.toFixed(1).padStart(7)} us/call`);

  const at = (b: number): number => trees.find((r) => r.batch === b)?.ratio ?? 0;
  console.log('\ntargets');
  report(`native >= ${TARGETS.batch1Ratio}x ORT at batch 1`, at(1) >= TARGETS.batch1Ratio, `${at(1).toFixed(2)}x`);
  report(`native >= ${TARGETS.batch4096Ratio}x ORT at batch 4096`, at(4096) >= TARGETS.batch4096Ratio, `${at(4096).toFixed(2)}x`);
  report(`infer() overhead <= ${TARGETS.overheadUs} us`, overhead.overheadUs <= TARGETS.overheadUs, `${overhead.overheadUs.toFixed(1)} us`);
}

function report(what: string, met: boolean, figure: string): void {
  console.log(`  ${met ? 'met ' : 'MISS'}  ${what}: ${figure}`);
}

await main();
