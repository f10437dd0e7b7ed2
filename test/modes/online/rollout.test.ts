import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricValue } from '../../helpers/metrics-text.ts';
import { getJson, startServer, type RunningServer } from '../../helpers/online-server.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { jsModel, writeRepo } from '../../helpers/js-model-repo.ts';

/** v1 answers y = x + 1, v2 y = x + 2: the body says which version answered, as the header does. */
const CANARY_YAML = 'rollout:\n  canary: { version: 2, percent: 20 }\n';

interface Answer {
  status: number;
  version: string | null;
  body: string;
}

async function predict(server: RunningServer, x: number, headers: Record<string, string> = {}, path = '/v1/models/m:predict'): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ instances: [{ x }] }) });
  return { status: response.status, version: response.headers.get('tetra-model-version'), body: await response.text() };
}

/** Runs `count` calls of `call(i)` with `width` in flight at a time, results in call order. */
async function pooled<T>(count: number, width: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await call(i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

function share(answers: readonly Answer[], version: string): number {
  return answers.filter((a) => a.version === version).length / answers.length;
}

/** The body each version gives for x, as the records API writes it. */
function expectedBody(version: string, x: number): string {
  return JSON.stringify({ predictions: [{ y: x + Number(version) }] });
}

const canaryRepo = (yaml: string) => writeRepo({ m: { yaml, versions: { '1': jsModel('x + 1'), '2': jsModel('x + 2') } } });

test('canary: about 20% of 2000 calls go to version 2, and the header names the version that answered', async () => {
  const server = await startServer({ repository: canaryRepo(CANARY_YAML) });
  const answers = await pooled(2000, 16, (i) => predict(server, i));
  answers.forEach((a, i) => {
    assert.equal(a.status, 200, a.body);
    assert.ok(a.version === '1' || a.version === '2', `call ${i}: version ${a.version}`);
    assert.equal(a.body, expectedBody(a.version, i), `call ${i}: the body must come from version ${a.version}`);
  });
  const v2 = share(answers, '2');
  assert.ok(Math.abs(v2 - 0.2) <= 0.05, `version 2 answered ${(v2 * 100).toFixed(1)}% of calls, expected 20% +- 5%`);
  // A version named in the path is not subject to the split.
  for (const version of ['1', '2']) {
    const pinned = await pooled(20, 4, (i) => predict(server, i, {}, `/v1/models/m/versions/${version}:predict`));
    assert.deepEqual(new Set(pinned.map((a) => a.version)), new Set([version]));
  }
  await server.close();
});

test('canary with version_policy {latest: 2} splits the same way', async () => {
  const server = await startServer({ repository: canaryRepo(`version_policy: { latest: 2 }\n${CANARY_YAML}`) });
  const answers = await pooled(1000, 16, (i) => predict(server, i));
  const v2 = share(answers, '2');
  assert.ok(Math.abs(v2 - 0.2) <= 0.06, `version 2 answered ${(v2 * 100).toFixed(1)}% of calls`);
  await server.close();
});

test('Tetra-Route-Key: a key always gets the same version; different keys split per the percentage', async () => {
  const server = await startServer({ repository: canaryRepo(CANARY_YAML) });
  const keys = Array.from({ length: 600 }, (_, i) => `card-${i}`);
  const first = await pooled(keys.length, 16, (i) => predict(server, i, { 'tetra-route-key': keys[i] as string }));
  const again = await pooled(keys.length * 2, 16, (i) => predict(server, i, { 'tetra-route-key': keys[i % keys.length] as string }));
  again.forEach((a, i) => assert.equal(a.version, first[i % keys.length]?.version, `key ${keys[i % keys.length]} moved from version ${first[i % keys.length]?.version} to ${a.version}`));
  const v2 = share(first, '2');
  assert.ok(Math.abs(v2 - 0.2) <= 0.05, `${(v2 * 100).toFixed(1)}% of keys went to version 2, expected 20% +- 5%`);
  // OIP calls honour the key too, and say the version in model_version.
  const key = keys[first.findIndex((a) => a.version === '2')] as string;
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${server.url}/v2/models/m/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'tetra-route-key': key }, body: JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP64', data: [1] }] }) });
    const body = (await res.json()) as { model_version: string; outputs: { name: string; data: number[] }[] };
    assert.equal(body.model_version, '2');
    assert.deepEqual(body.outputs.find((o) => o.name === 'y')?.data, [3]);
  }
  await server.close();
});

/** Prometheus text of a server's /metrics. */
async function metricsText(server: RunningServer): Promise<string> {
  return (await getJson(`${server.url}/metrics`)).body as string;
}

/** Shadow comparisons of model "m" with `outcome`, summed over primary and shadow versions; 0 when none. */
async function shadowCount(server: RunningServer, outcome: string): Promise<number> {
  const text = await metricsText(server);
  let total = 0;
  for (const version of ['1', '2']) {
    for (const shadow of ['2', '3']) total += metricValue(text, 'tetra_shadow_comparisons_total', { model: 'm', version, shadow_version: shadow, outcome }) ?? 0;
  }
  return total;
}

/** Waits until `check` holds: shadow calls finish after the answer, so their counts arrive later. */
function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  return waitFor(what, check, 10_000, 20);
}

const SHADOW_YAML = 'rollout:\n  shadow: { version: 2, percent: 100 }\n';

/** Records-API and OIP calls whose bodies must not depend on the shadow. */
async function answersOf(server: RunningServer): Promise<{ version: string | null; body: string }[]> {
  const out: { version: string | null; body: string }[] = [];
  for (let x = 0; x < 10; x++) {
    const res = await predict(server, x * 1.5);
    assert.equal(res.status, 200, res.body);
    out.push({ version: res.version, body: res.body });
  }
  const oip = await fetch(`${server.url}/v2/models/m/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'q', inputs: [{ name: 'x', shape: [2], datatype: 'FP64', data: [1, 2] }] }) });
  out.push({ version: null, body: await oip.text() });
  return out;
}

test('shadow: answers are byte-identical to a server without the shadow, from the primary; agree and disagree are counted', async () => {
  const plain = await startServer({ repository: writeRepo({ m: { versions: { '1': jsModel('x + 1') } } }) });
  const same = await startServer({ repository: writeRepo({ m: { yaml: SHADOW_YAML, versions: { '1': jsModel('x + 1'), '2': jsModel('x + 1') } } }) });
  const other = await startServer({ repository: writeRepo({ m: { yaml: SHADOW_YAML, versions: { '1': jsModel('x + 1'), '2': jsModel('x * 10') } } }) });
  const reference = await answersOf(plain);
  assert.ok(reference.slice(0, 10).every((a) => a.version === '1'));
  assert.match(reference[10]?.body as string, /"model_version":"1"/);
  assert.deepEqual(await answersOf(same), reference);
  assert.deepEqual(await answersOf(other), reference);
  await eventually(async () => (await shadowCount(same, 'agree')) === 11, 'the identical shadow agrees 11 times');
  await eventually(async () => (await shadowCount(other, 'disagree')) === 11, 'the different shadow disagrees 11 times');
  assert.equal(await shadowCount(same, 'disagree'), 0);
  assert.equal(await shadowCount(other, 'agree'), 0);
  // A version named by the caller gets no shadow copy.
  await predict(same, 1, {}, '/v1/models/m/versions/1:predict');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await shadowCount(same, 'agree'), 11);
  await Promise.all([plain.close(), same.close(), other.close()]);
});

test('shadow: a failing shadow neither changes nor fails the answer, and is counted as failed', async () => {
  const plain = await startServer({ repository: writeRepo({ m: { versions: { '1': jsModel('x + 1') } } }) });
  const failing = await startServer({
    repository: writeRepo({ m: { yaml: SHADOW_YAML, versions: { '1': jsModel('x + 1'), '2': jsModel('x + 1', "throw new Error('shadow broke');") } } }),
  });
  assert.deepEqual(await answersOf(failing), await answersOf(plain));
  await eventually(async () => (await shadowCount(failing, 'failed')) === 11, 'the failing shadow is counted 11 times');
  assert.equal((await getJson(`${failing.url}/v2/health/ready`)).status, 200);
  await Promise.all([plain.close(), failing.close()]);
});

const GATE = Symbol.for('tetra.test.shadow-gate');
interface Gate {
  started: () => void;
  released: Promise<void>;
}

test('shadow: the answer arrives while a slow shadow is still running', { timeout: 30_000 }, async () => {
  // The shadow waits on a gate the test opens only after it has its answer.
  const slow = jsModel('x + 1', `const gate = globalThis[Symbol.for('tetra.test.shadow-gate')]; if (gate) { gate.started(); await gate.released; }`);
  const server = await startServer({ repository: writeRepo({ m: { yaml: SHADOW_YAML, versions: { '1': jsModel('x + 1'), '2': slow } } }) });
  let release!: () => void;
  let started!: () => void;
  const shadowStarted = new Promise<void>((r) => (started = r));
  const gate: Gate = { started, released: new Promise<void>((r) => (release = r)) };
  (globalThis as Record<symbol, unknown>)[GATE] = gate;
  try {
    const answer = await predict(server, 5);
    assert.equal(answer.status, 200);
    assert.equal(answer.version, '1');
    assert.equal(answer.body, expectedBody('1', 5));
    await shadowStarted;
    assert.equal(await shadowCount(server, 'agree'), 0, 'the shadow cannot have finished: its gate is still closed');
    // Live traffic keeps flowing while the shadow is stuck.
    const more = await pooled(20, 4, (i) => predict(server, i));
    assert.deepEqual(more.map((a) => a.body), more.map((_, i) => expectedBody('1', i)));
    release();
    await eventually(async () => (await shadowCount(server, 'agree')) >= 1, 'the released shadow is compared');
  } finally {
    release();
    delete (globalThis as Record<symbol, unknown>)[GATE];
  }
  await server.close();
});

test('shadow: a busy shadow is skipped rather than queued behind itself', { timeout: 30_000 }, async () => {
  const slow = jsModel('x + 1', `const gate = globalThis[Symbol.for('tetra.test.shadow-gate')]; if (gate) { gate.started(); await gate.released; }`);
  const yaml = `${SHADOW_YAML}batching: { max_batch_size: 1 }\n`;
  const server = await startServer({ repository: writeRepo({ m: { yaml, versions: { '1': jsModel('x + 1'), '2': slow } } }) });
  let release!: () => void;
  let started!: () => void;
  const shadowStarted = new Promise<void>((r) => (started = r));
  (globalThis as Record<symbol, unknown>)[GATE] = { started, released: new Promise<void>((r) => (release = r)) } satisfies Gate;
  try {
    // The first copy runs (and waits at the gate), the second queues, the three after it find the queue full.
    assert.equal((await predict(server, 1)).status, 200);
    await shadowStarted;
    for (let x = 2; x <= 5; x++) assert.equal((await predict(server, x)).body, expectedBody('1', x));
    assert.equal(await shadowCount(server, 'skipped'), 3);
    release();
    await eventually(async () => (await shadowCount(server, 'agree')) === 2, 'the running and the queued copies are compared');
    assert.equal(await shadowCount(server, 'skipped'), 3);
  } finally {
    release();
    delete (globalThis as Record<symbol, unknown>)[GATE];
  }
  await server.close();
});

test('canary and shadow together: the shadow never answers, and is compared with whichever version did', async () => {
  const yaml = 'rollout:\n  canary: { version: 2, percent: 30 }\n  shadow: { version: 3, percent: 100 }\n';
  const server = await startServer({ repository: writeRepo({ m: { yaml, versions: { '1': jsModel('x + 1'), '2': jsModel('x + 2'), '3': jsModel('x + 1') } } }) });
  const answers = await pooled(300, 8, (i) => predict(server, i));
  answers.forEach((a, i) => assert.equal(a.body, expectedBody(a.version as string, i)));
  const byVersion = (v: string): number => answers.filter((a) => a.version === v).length;
  assert.equal(byVersion('1') + byVersion('2'), 300, 'only the stable and canary versions answer');
  assert.ok(byVersion('2') > 0 && byVersion('1') > 0);
  // Version 3 computes like version 1: it agrees with v1's answers and disagrees with v2's.
  await eventually(async () => (await shadowCount(server, 'agree')) + (await shadowCount(server, 'disagree')) + (await shadowCount(server, 'skipped')) === 300, 'every call is compared or skipped');
  const text = await metricsText(server);
  const count = (version: string, outcome: string): number => metricValue(text, 'tetra_shadow_comparisons_total', { model: 'm', version, shadow_version: '3', outcome }) ?? 0;
  assert.equal(count('1', 'disagree'), 0);
  assert.equal(count('2', 'agree'), 0);
  assert.equal(count('1', 'agree') + count('1', 'skipped'), byVersion('1'));
  assert.equal(count('2', 'disagree') + count('2', 'skipped'), byVersion('2'));
  await server.close();
});
