import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import { HotCounter, HotHistogram } from '../../src/core/telemetry/index.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** The same metrics twice: prom-client's in one registry, Tetra's hot ones in another. */
function pair(openMetrics = false) {
  const prom = openMetrics ? openMetricsRegistry() : new Registry();
  const hot = openMetrics ? openMetricsRegistry() : new Registry();
  const config = { name: 'x_total', help: 'calls "by" outcome \\ with\nnewline', labelNames: ['model', 'version', 'outcome'] as const };
  const histogram = { name: 'x_seconds', help: 'durations', labelNames: ['model', 'version'] as const, buckets: BUCKETS };
  return {
    prom,
    hot,
    promCounter: new Counter({ ...config, labelNames: [...config.labelNames], registers: [prom] }),
    promHistogram: new Histogram({ ...histogram, labelNames: [...histogram.labelNames], registers: [prom] }),
    hotCounter: new HotCounter({ ...config, registers: [hot] }),
    hotHistogram: new HotHistogram({ ...histogram, registers: [hot] }),
  };
}

for (const openMetrics of [false, true]) {
  test(`hot counters and histograms render exactly what prom-client renders${openMetrics ? ' as OpenMetrics' : ''}, also after a reset`, async () => {
    const m = pair(openMetrics);
    const promOk = m.promCounter.labels({ model: 'a"b', version: '1', outcome: 'ok' });
    const hotOk = m.hotCounter.labels({ model: 'a"b', version: '1', outcome: 'ok' });
    const values = [0.0001, 0.0005, 0.0007, 0.003, 0.2, 0.9, 4.2, 7, 12];
    values.forEach((v, i) => {
      const model = i % 3 === 0 ? 'second' : 'first';
      m.promHistogram.observe({ model, version: '1' }, v);
      m.hotHistogram.labels({ model, version: '1' }).observe(v);
      if (i % 2 === 0) {
        promOk.inc();
        hotOk.inc();
      }
    });
    m.promCounter.inc({ model: 'z', version: '2', outcome: 'BAD' }, 3);
    m.hotCounter.inc({ model: 'z', version: '2', outcome: 'BAD' }, 3);
    assert.equal(await m.hot.metrics(), await m.prom.metrics());
    assert.deepEqual(await m.hot.getMetricsAsJSON(), await m.prom.getMetricsAsJSON());
    m.prom.resetMetrics();
    m.hot.resetMetrics();
    promOk.inc(2);
    hotOk.inc(2);
    assert.equal(await m.hot.metrics(), await m.prom.metrics());
  });
}

test('hot metrics refuse what prom-client refuses', () => {
  const { hot, hotCounter, hotHistogram } = pair();
  assert.throws(() => hotCounter.labels({ model: 'a', version: '1', outcome: 'ok' }).inc(-1), /not possible to decrease/);
  assert.throws(() => hotHistogram.labels({ model: 'a', version: '1' }).observe(Number.NaN), TypeError);
  assert.throws(() => hotCounter.labels({ model: 'a', version: '1', outcome: 'ok', typo: 'x' } as never), /not included in initial labelset/);
  assert.throws(() => new HotCounter({ name: 'x_total', help: 'again', labelNames: [], registers: [hot] }), /already been registered/);
});

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}
