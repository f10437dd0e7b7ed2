import type { Logger } from 'pino';
import type { TetraError } from '../errors/index.ts';
import type { LookupReport } from './lookup-observer.ts';

/** At most one fallback warning per model this often; the metrics count every fallback. */
export const FALLBACK_WARNING_INTERVAL_MS = 10_000;

/**
 * Logs that a model went on with its online-feature defaults because the
 * store failed it. Rate-limited per model: a dead store under load falls
 * back on every call, and one line per call would drown the logs. The next
 * line says how many were held back.
 */
export class FallbackWarnings {
  private readonly last = new Map<string, { atMs: number; held: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = FALLBACK_WARNING_INTERVAL_MS,
  ) {}

  warn(report: LookupReport, fallback: TetraError): void {
    const { model, store } = report;
    const now = this.now();
    const last = this.last.get(model);
    if (last && now - last.atMs < this.intervalMs) {
      last.held++;
      return;
    }
    const suppressed = last?.held ?? 0;
    this.last.set(model, { atMs: now, held: 0 });
    const entities = report.outcomes.fallback;
    const held = suppressed > 0 ? ` (${suppressed} more fallback${suppressed === 1 ? '' : 's'} of this model since the last warning were not logged)` : '';
    this.logger.warn(
      { model, store, code: fallback.code, entities, suppressed },
      `online feature lookup fell back to the defaults for ${entities} entit${entities === 1 ? 'y' : 'ies'}: ${fallback.message}${held}`,
    );
  }
}
