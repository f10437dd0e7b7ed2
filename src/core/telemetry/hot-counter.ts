import type { Metric, OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client';
import { labelKey, type LabelSet } from './label-set.ts';

/** One label combination of a HotCounter: adding to it is a field update. */
export interface CounterChild {
  inc(by?: number): void;
}

class Series<L extends string> implements CounterChild {
  value = 0;
  listed = false;

  constructor(
    private readonly owner: HotCounter<L>,
    readonly labels: LabelSet<L>,
  ) {}

  inc(by = 1): void {
    // prom-client's checks, in its order.
    if (by && !Number.isFinite(by)) throw new TypeError(`Value is not a valid number: ${by}`);
    if (by < 0) throw new Error('It is not possible to decrease a counter');
    this.value += by;
    if (!this.listed) this.owner.list(this);
  }
}

/**
 * A Prometheus counter for the request path. prom-client's own counter
 * validates and hashes its labels on every increment, even through a
 * child; here a child is made once per label combination and an increment
 * only adds. It registers in a prom-client Registry and renders like a
 * prom-client Counter: a combination appears once first counted, in that
 * order, and `reset()` empties it.
 */
export class HotCounter<L extends string> {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  private readonly children = new Map<string, Series<L>>();
  private listed: Series<L>[] = [];

  constructor(config: { name: string; help: string; labelNames: readonly L[]; registers: readonly (Registry<PrometheusContentType> | Registry<OpenMetricsContentType>)[] }) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The child for one label combination; keep it, looking it up again costs a key. */
  labels(labels: LabelSet<L>): CounterChild {
    const key = labelKey(this.labelNames, labels);
    let child = this.children.get(key);
    if (!child) this.children.set(key, (child = new Series(this, { ...labels })));
    return child;
  }

  inc(labels: LabelSet<L>, by = 1): void {
    this.labels(labels).inc(by);
  }

  /** @internal A child counted for the first time since the start or the last reset. */
  list(series: Series<L>): void {
    series.listed = true;
    this.listed.push(series);
  }

  reset(): void {
    for (const s of this.listed) {
      s.value = 0;
      s.listed = false;
    }
    this.listed = [];
  }

  async get(): Promise<{ help: string; name: string; type: 'counter'; values: { value: number; labels: LabelSet<L> }[]; aggregator: 'sum' }> {
    return { help: this.help, name: this.name, type: this.type, values: this.listed.map((s) => ({ value: s.value, labels: s.labels })), aggregator: this.aggregator };
  }
}

