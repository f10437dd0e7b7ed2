/**
 * A thread of the threaded model-only measurement: loads its own copy of the
 * model, warms it on the pool of encoded batches, then on "go" scores its
 * share of the batches (every `step`-th from `first`) and reports the rows.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openFraudModel, scoreShare, warmUp, type ModelShare } from './fraud-model.ts';

const share = workerData as ModelShare;

try {
  const model = await openFraudModel();
  await warmUp(model, share.pool);
  parentPort?.once('message', () => {
    scoreShare(model, share).then(
      (rows) => parentPort?.postMessage({ rows }),
      (error: unknown) => parentPort?.postMessage({ error: String(error) }),
    ).finally(() => void model.close());
  });
  parentPort?.postMessage({ ready: true });
} catch (error) {
  parentPort?.postMessage({ error: String(error) });
}
