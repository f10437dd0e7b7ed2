import { loadTetraConfig } from '../core/index.ts';
import { answerHttpApiEvent, type HttpApiEvent, type HttpApiResult } from '../modes/online/lambda-adapter.ts';
import { buildServing, type Serving } from './build-serving.ts';

let starting: Promise<Serving> | undefined;

/**
 * AWS Lambda handler for API Gateway HTTP API (payload 2.0) and Function URL
 * events: the records API, OIP and health routes, from a model repository
 * packaged with the function (`TETRA_REPO`, default `models`), configured
 * like `tetra serve` (`TETRA_CONFIG`, `TETRA_*`). Models load once per
 * execution environment, on the first event.
 */
export async function handler(event: HttpApiEvent): Promise<HttpApiResult> {
  starting ??= start().catch((error: unknown) => {
    starting = undefined;
    throw error;
  });
  const serving = await starting;
  return answerHttpApiEvent(serving.server.app, event);
}

async function start(): Promise<Serving> {
  const serving = await buildServing(await loadTetraConfig());
  await serving.load();
  await serving.server.app.ready();
  return serving;
}
