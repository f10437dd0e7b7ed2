// Apart from the core's index: prom-client and pino load only where metrics and logs are kept (not in batch worker threads).
export { Telemetry, type Outcome } from './telemetry.ts';
export { HotCounter, type CounterChild } from './hot-counter.ts';
export { HotHistogram, type HistogramChild } from './hot-histogram.ts';
