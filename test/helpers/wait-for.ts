import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `condition` until it holds; fails after `timeoutMs` naming what
 * was awaited. For waiting on a state, not for measuring time.
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, everyMs = 5): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
