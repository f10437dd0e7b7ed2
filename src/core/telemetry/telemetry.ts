import { pino, type Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { BatchEvent } from '../batching/batch-work.ts';
import { FallbackWarnings } from '../enrich/fallback-warnings.ts';
import { LOOKUP_OUTCOMES, type LookupObserver, type LookupOutcome, type LookupReport } from '../enrich/lookup-observer.ts';
import type { ServedModel } from '../repository/served-model.ts';
import type { ServingMode } from '../service/infer-request.ts';
import { HotCounter, type CounterChild } from './hot-counter.ts';
import { HotHistogram, type HistogramChild } from './hot-histogram.ts';

/** How a call ended, for the requests counter: `ok` or an error code. */
export type Outcome = 'ok' | string;

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Feature lookups are a fraction of a request: finer at the low end (an in-memory store answers in microseconds). */
const LOOKUP_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

/**
 * The one logger and metrics registry of a Tetra process. Metric names are
 * `tetra_*` with `model`, `version` and `mode` labels.
 */
export class Telemetry implements LookupObserver {
  readonly registry: Registry;
  readonly logger: Logger;
  // Updated on every call or model call: HotCounter/HotHistogram, whose children cost no label checks per update.
  private readonly requests: HotCounter<'model' | 'version' | 'mode' | 'outcome'>;
  private readonly requestSeconds: HotHistogram<'model' | 'version' | 'mode'>;
  private readonly batchRows: HotHistogram<'model' | 'version'>;
  private readonly queueSeconds: HotHistogram<'model' | 'version'>;
  private readonly computeSeconds: HotHistogram<'model' | 'version'>;
  private readonly shadowComparisons: Counter<'model' | 'version' | 'shadow_version' | 'outcome'>;
  private readonly lookups: HotCounter<'model' | 'store' | 'outcome'>;
  private readonly lookupSeconds: HotHistogram<'model'>;
  private readonly fallbackWarnings: FallbackWarnings;

  /** `now` is the clock that rate-limits warnings (tests move it). */
  constructor(options: { logger?: Logger; registry?: Registry; now?: () => number } = {}) {
    this.logger = options.logger ?? pino({ name: 'tetra' });
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.requests = new HotCounter({ name: 'tetra_inference_requests_total', help: 'Inference calls by outcome (ok or error code)', labelNames: ['model', 'version', 'mode', 'outcome'], registers });
    this.requestSeconds = new HotHistogram({ name: 'tetra_inference_duration_seconds', help: 'Time from call to answer, queueing included', labelNames: ['model', 'version', 'mode'], buckets: SECONDS_BUCKETS, registers });
    this.batchRows = new HotHistogram({ name: 'tetra_batch_size', help: 'Rows per model call after batching', labelNames: ['model', 'version'], buckets: BATCH_BUCKETS, registers });
    this.queueSeconds = new HotHistogram({ name: 'tetra_queue_duration_seconds', help: 'Time the oldest call of a batch waited', labelNames: ['model', 'version'], buckets: SECONDS_BUCKETS, registers });
    this.computeSeconds = new HotHistogram({ name: 'tetra_compute_duration_seconds', help: 'Time of one model call', labelNames: ['model', 'version'], buckets: SECONDS_BUCKETS, registers });
    this.shadowComparisons = new Counter({ name: 'tetra_shadow_comparisons_total', help: 'Shadow calls by outcome: agree, disagree, failed, skipped (shadow busy)', labelNames: ['model', 'version', 'shadow_version', 'outcome'], registers });
    this.lookups = new HotCounter({
      name: 'tetra_online_feature_lookups_total',
      help: 'Entities looked up in online feature stores, once per call, by outcome: hit, miss (no hash: defaults), stale (older than max_age: defaults), error (store down or bad stored value: call failed), fallback (the same, on_error defaults: defaults used)',
      labelNames: ['model', 'store', 'outcome'],
      registers,
    });
    this.lookupSeconds = new HotHistogram({ name: 'tetra_online_feature_lookup_duration_seconds', help: 'Time of one online feature store round trip (one per call, all its entities)', labelNames: ['model'], buckets: LOOKUP_BUCKETS, registers });
    this.fallbackWarnings = new FallbackWarnings(this.logger, options.now);
  }

  recordShadow(model: string, version: string, shadowVersion: string, outcome: 'agree' | 'disagree' | 'failed' | 'skipped'): void {
    this.shadowComparisons.inc({ model, version, shadow_version: shadowVersion, outcome });
  }

  private readonly batchChildren = new WeakMap<ServedModel, { rows: HistogramChild; queue: HistogramChild; compute: HistogramChild }>();

  /** Records one model call; pass it as the repository's `onBatch`. */
  readonly onBatch = (served: ServedModel, event: BatchEvent): void => {
    let children = this.batchChildren.get(served);
    if (!children) {
      const labels = { model: served.name, version: served.version };
      children = { rows: this.batchRows.labels(labels), queue: this.queueSeconds.labels(labels), compute: this.computeSeconds.labels(labels) };
      this.batchChildren.set(served, children);
    }
    children.rows.observe(event.rows);
    children.queue.observe(event.queueMs / 1000);
    children.compute.observe(event.computeMs / 1000);
  };

  /** Children by model, version, mode and outcome: one Map per level, so no key string is built per call. */
  private readonly requestChildren = new Map<string, Map<string, Map<string, Map<string, { count: CounterChild; time: HistogramChild }>>>>();

  /** Counts one call and its duration. */
  recordRequest(model: string, version: string, mode: ServingMode, outcome: Outcome, seconds: number): void {
    const child = this.requestChildren.get(model)?.get(version)?.get(mode)?.get(outcome) ?? this.requestChild(model, version, mode, outcome);
    child.count.inc();
    child.time.observe(seconds);
  }

  private requestChild(model: string, version: string, mode: ServingMode, outcome: Outcome): { count: CounterChild; time: HistogramChild } {
    const child = { count: this.requests.labels({ model, version, mode, outcome }), time: this.requestSeconds.labels({ model, version, mode }) };
    const byVersion = getOrAdd(this.requestChildren, model, () => new Map());
    const byMode = getOrAdd(byVersion, version, () => new Map());
    getOrAdd(byMode, mode, () => new Map()).set(outcome, child);
    return child;
  }

  /** By model, store and outcome, one Map per level (see requestChildren). */
  private readonly lookupCounts = new Map<string, Map<string, Map<LookupOutcome, CounterChild>>>();
  private readonly lookupTimes = new Map<string, HistogramChild>();

  /** Counts and times one call's feature lookup, and warns (rate-limited) when it fell back to the defaults. */
  readonly onLookup = (report: LookupReport): void => {
    const { model, store, outcomes } = report;
    for (const outcome of LOOKUP_OUTCOMES) {
      const n = outcomes[outcome];
      if (n > 0) this.lookupCount(model, store, outcome).inc(n);
    }
    if (report.seconds !== undefined) {
      let time = this.lookupTimes.get(model);
      if (!time) this.lookupTimes.set(model, (time = this.lookupSeconds.labels({ model })));
      time.observe(report.seconds);
    }
    if (report.fallback) this.fallbackWarnings.warn(report, report.fallback);
  };

  private lookupCount(model: string, store: string, outcome: LookupOutcome): CounterChild {
    const known = this.lookupCounts.get(model)?.get(store)?.get(outcome);
    if (known) return known;
    const child = this.lookups.labels({ model, store, outcome });
    getOrAdd(getOrAdd(this.lookupCounts, model, () => new Map()), store, () => new Map()).set(outcome, child);
    return child;
  }
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
