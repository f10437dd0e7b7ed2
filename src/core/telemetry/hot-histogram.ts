import type { Metric, OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client';
import { labelKey, type LabelSet } from './label-set.ts';

/** One label combination of a HotHistogram. */
export interface HistogramChild {
  observe(value: number): void;
}

class Series<L extends string> implements HistogramChild {
  /** Observations per bucket, not cumulative (summed when rendered). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  listed = false;

  constructor(
    private readonly owner: HotHistogram<L>,
    readonly labels: LabelSet<L>,
  ) {
    this.counts = new Float64Array(owner.buckets.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.owner.buckets;
    // A value above the last bound is only in +Inf (the count).
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.counts[i]++;
        break;
      }
    }
    this.sum += value;
    this.count++;
    if (!this.listed) this.owner.list(this);
  }
}

interface Sample<L extends string> {
  value: number;
  metricName: string;
  exemplar: null | undefined;
  labels: Partial<LabelSet<L>> & { le?: number | '+Inf' };
}

/**
 * A Prometheus histogram for the request path: like HotCounter, a child per
 * label combination whose `observe` only finds the bucket and adds, where
 * prom-client's validates and hashes the labels each time. Renders what a
 * prom-client Histogram renders (buckets cumulative, then +Inf, sum and
 * count, combinations in the order first observed).
 */
export class HotHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly buckets: readonly number[];
  private readonly children = new Map<string, Series<L>>();
  private listed: Series<L>[] = [];

  constructor(config: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[]; registers: readonly (Registry<PrometheusContentType> | Registry<OpenMetricsContentType>)[] }) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.buckets = [...config.buckets];
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The child for one label combination; keep it, looking it up again costs a key. */
  labels(labels: LabelSet<L>): HistogramChild {
    const key = labelKey(this.labelNames, labels);
    let child = this.children.get(key);
    if (!child) this.children.set(key, (child = new Series(this, { ...labels })));
    return child;
  }

  observe(labels: LabelSet<L>, value: number): void {
    this.labels(labels).observe(value);
  }

  /** @internal A child observed for the first time since the start or the last reset. */
  list(series: Series<L>): void {
    series.listed = true;
    this.listed.push(series);
  }

  reset(): void {
    for (const s of this.listed) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
      s.listed = false;
    }
    this.listed = [];
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; values: Sample<L>[]; aggregator: 'sum' }> {
    const bucket = `${this.name}_bucket`;
    const values: Sample<L>[] = [];
    for (const s of this.listed) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        values.push({ value: cumulative, metricName: bucket, exemplar: null, labels: { le, ...s.labels } });
      });
      values.push({ value: s.count, metricName: bucket, exemplar: null, labels: { le: '+Inf', ...s.labels } });
      values.push({ value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined, labels: { ...s.labels } });
      values.push({ value: s.count, metricName: `${this.name}_count`, exemplar: undefined, labels: { ...s.labels } });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
