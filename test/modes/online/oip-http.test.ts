import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../../helpers/fixtures.ts';
import { writeRepo, type RepoModel } from '../../helpers/js-model-repo.ts';
import { getJson, startServer } from '../../helpers/online-server.ts';
import { attrInt, attrInts, buildModel, ELEM, type ModelSpec } from '../../runtimes/onnx/model-builder.ts';
import { halfValue, leBytes, parseResponse, type ParsedResponse } from './oip/oip-test-helpers.ts';

const FIXTURES = fixture('v2-open-inference-protocol');
const readFixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

/** One datatype: the JSON request data and the values a client reads back (bigint for 64-bit, bits for binary FP16). */
interface Sample {
  readonly elem: number;
  readonly json: readonly unknown[];
  readonly values: readonly unknown[];
  /** Values as JSON output reads back, when they differ from `values` (FP16 prints numbers). */
  readonly jsonValues?: readonly unknown[];
}

const SAMPLES: Record<string, Sample> = {
  BOOL: { elem: ELEM.bool, json: [true, false, false, true], values: [true, false, false, true] },
  UINT8: { elem: ELEM.uint8, json: [0, 255, 1, 128], values: [0, 255, 1, 128] },
  UINT16: { elem: ELEM.uint16, json: [0, 65535, 1, 32768], values: [0, 65535, 1, 32768] },
  UINT32: { elem: ELEM.uint32, json: [0, 4294967295, 1, 2147483648], values: [0, 4294967295, 1, 2147483648] },
  UINT64: { elem: ELEM.uint64, json: [0, 9007199254740991, 1, 4096], values: [0n, 9007199254740991n, 1n, 4096n] },
  INT8: { elem: ELEM.int8, json: [-128, 127, 0, -1], values: [-128, 127, 0, -1] },
  INT16: { elem: ELEM.int16, json: [-32768, 32767, 1, -1], values: [-32768, 32767, 1, -1] },
  INT32: { elem: ELEM.int32, json: [-2147483648, 2147483647, 7, -7], values: [-2147483648, 2147483647, 7, -7] },
  INT64: { elem: ELEM.int64, json: [-9007199254740991, 9007199254740991, 0, -1], values: [-9007199254740991n, 9007199254740991n, 0n, -1n] },
  FP16: { elem: ELEM.float16, json: [1, -2, 0.5, 65504], values: [0x3c00, 0xc000, 0x3800, 0x7bff], jsonValues: [1, -2, 0.5, 65504] },
  FP32: { elem: ELEM.float32, json: [1.5, -2, 0.25, 'NaN'], values: [1.5, -2, 0.25, Number.NaN] },
  FP64: { elem: ELEM.float64, json: [1e-300, -0.1, Math.PI, '-Infinity'], values: [1e-300, -0.1, Math.PI, Number.NEGATIVE_INFINITY] },
  BYTES: { elem: ELEM.string, json: ['a', '', 'ünï', 'long '.repeat(20)], values: ['a', '', 'ünï', 'long '.repeat(20)] },
};

/** Values only the binary extension carries exactly: 64-bit integers beyond 2^53, and every half-precision bit pattern. */
const BINARY_ONLY: Record<string, readonly unknown[]> = {
  UINT64: [0n, 2n ** 64n - 1n, 2n ** 53n + 1n, 1n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -1n],
  FP16: [0x3c00, 0xc000, 0x7c00, 0x0001],
};

const onnx = (spec: ModelSpec): RepoModel => ({ versions: { '1': { file: 'model.onnx', content: buildModel(spec) } } });

/** An Identity model: `x` [N, 2] in, `y` the same out. */
const echo = (elem: number): RepoModel => onnx({
  nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  inputs: [{ name: 'x', elem, dims: ['N', 2] }],
  outputs: [{ name: 'y', elem, dims: ['N', 2] }],
});

/** The MLServer fixtures' model: input-0 INT32 [N, 3]; output-0 the row sums and the outputs the fixtures ask for. */
const SUM_MODEL = onnx({
  opsets: [['', 11]],
  nodes: [
    { op: 'ReduceSum', inputs: ['input-0'], outputs: ['output-0'], attributes: [attrInts('axes', [1]), attrInt('keepdims', 0)] },
    { op: 'Identity', inputs: ['input-0'], outputs: ['requested-output-0'] },
    { op: 'Identity', inputs: ['input-0'], outputs: ['predict'] },
    { op: 'Cast', inputs: ['input-0'], outputs: ['predict_proba'], attributes: [attrInt('to', ELEM.float32)] },
  ],
  inputs: [{ name: 'input-0', elem: ELEM.int32, dims: ['N', 3] }],
  outputs: [
    { name: 'output-0', elem: ELEM.int32, dims: ['N'] },
    { name: 'requested-output-0', elem: ELEM.int32, dims: ['N', 3] },
    { name: 'predict', elem: ELEM.int32, dims: ['N', 3] },
    { name: 'predict_proba', elem: ELEM.float32, dims: ['N', 3] },
  ],
});

/** The sklearn fixture sends a flat [3] input. */
const FLAT_MODEL = onnx({
  nodes: [
    { op: 'Identity', inputs: ['input-0'], outputs: ['predict'] },
    { op: 'Cast', inputs: ['input-0'], outputs: ['predict_proba'], attributes: [attrInt('to', ELEM.float32)] },
  ],
  inputs: [{ name: 'input-0', elem: ELEM.int32, dims: ['N'] }],
  outputs: [{ name: 'predict', elem: ELEM.int32, dims: ['N'] }, { name: 'predict_proba', elem: ELEM.float32, dims: ['N'] }],
});

/** The KServe iris requests: input-0 FP32 [N, 4]; output-0 echoes it. */
const IRIS_MODEL = onnx({
  nodes: [{ op: 'Identity', inputs: ['input-0'], outputs: ['output-0'] }],
  inputs: [{ name: 'input-0', elem: ELEM.float32, dims: ['N', 4] }],
  outputs: [{ name: 'output-0', elem: ELEM.float32, dims: ['N', 4] }],
});

/** Two inputs of different types, to mix JSON and binary tensors in one call. */
const PAIR_MODEL = onnx({
  nodes: [{ op: 'Identity', inputs: ['a'], outputs: ['a_out'] }, { op: 'Identity', inputs: ['b'], outputs: ['b_out'] }],
  inputs: [{ name: 'a', elem: ELEM.float32, dims: ['N', 2] }, { name: 'b', elem: ELEM.int64, dims: ['N', 2] }],
  outputs: [{ name: 'a_out', elem: ELEM.float32, dims: ['N', 2] }, { name: 'b_out', elem: ELEM.int64, dims: ['N', 2] }],
});

const echoName = (datatype: string): string => `echo-${datatype.toLowerCase()}`;

const server = await startServer({
  repository: writeRepo({
    ...Object.fromEntries(Object.entries(SAMPLES).map(([datatype, s]) => [echoName(datatype), echo(s.elem)])),
    'sum-model': SUM_MODEL,
    'flat-model': FLAT_MODEL,
    iris: IRIS_MODEL,
    pair: PAIR_MODEL,
  }),
});

interface HttpAnswer {
  status: number;
  headers: Headers;
  raw: Buffer;
  /** The body as a client reads it (JSON part plus binary outputs); undefined for error answers. */
  parsed?: ParsedResponse;
  json?: Record<string, unknown>;
}

async function send(path: string, body: Buffer | string, headers: Record<string, string>): Promise<HttpAnswer> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  const raw = Buffer.from(await res.arrayBuffer());
  const length = res.headers.get('inference-header-content-length');
  if (res.status !== 200) return { status: res.status, headers: res.headers, raw, json: JSON.parse(raw.toString('utf8')) as Record<string, unknown> };
  const parsed = parseResponse(raw, length === null ? {} : { 'inference-header-content-length': length });
  return { status: res.status, headers: res.headers, raw, parsed, json: parsed.header };
}

/** POSTs an OIP request as plain JSON. */
function inferJson(path: string, request: unknown): Promise<HttpAnswer> {
  return send(path, JSON.stringify(request), { 'content-type': 'application/json' });
}

/** POSTs an OIP request with binary inputs: `binary` maps input names to their bytes, sent after the JSON in input order. */
function inferBinary(path: string, request: { inputs: Record<string, unknown>[] } & Record<string, unknown>, binary: Record<string, Uint8Array>, contentType: string | undefined = 'application/octet-stream'): Promise<HttpAnswer> {
  const chunks: Uint8Array[] = [];
  const inputs = request.inputs.map((input) => {
    const bytes = binary[input.name as string];
    if (!bytes) return input;
    chunks.push(bytes);
    const { data: _data, ...rest } = input;
    return { ...rest, parameters: { ...(rest.parameters as object | undefined), binary_data_size: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({ ...request, inputs }), 'utf8');
  return send(path, Buffer.concat([header, ...chunks]), { ...(contentType ? { 'content-type': contentType } : {}), 'inference-header-content-length': String(header.length) });
}

function assertError(answer: HttpAnswer, status: number, message: RegExp): void {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.raw.toString('utf8')}`);
  assert.equal(typeof answer.json?.error, 'string', 'an OIP error body is {"error": "..."}');
  assert.match(answer.json?.error as string, message);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
}

test('server endpoints: metadata, live, ready', async () => {
  const meta = await getJson(`${server.url}/v2`);
  assert.equal(meta.status, 200);
  assert.equal(meta.body.name, 'tetra');
  assert.equal(typeof meta.body.version, 'string');
  assert.ok(meta.body.extensions.includes('binary_tensor_data'));
  assert.equal((await getJson(`${server.url}/v2/health/live`)).status, 200);
  assert.equal((await getJson(`${server.url}/v2/health/ready`)).status, 200);
});

test('model endpoints: metadata and readiness with and without a version; unknown models and versions are 404', async () => {
  const expected = {
    name: 'sum-model', versions: ['1'], platform: 'onnxruntime_onnx',
    inputs: [{ name: 'input-0', datatype: 'INT32', shape: [-1, 3] }],
    outputs: [
      { name: 'output-0', datatype: 'INT32', shape: [-1] },
      { name: 'requested-output-0', datatype: 'INT32', shape: [-1, 3] },
      { name: 'predict', datatype: 'INT32', shape: [-1, 3] },
      { name: 'predict_proba', datatype: 'FP32', shape: [-1, 3] },
    ],
  };
  for (const path of ['/v2/models/sum-model', '/v2/models/sum-model/versions/1']) {
    const meta = await getJson(`${server.url}${path}`);
    assert.equal(meta.status, 200, path);
    assert.deepEqual(meta.body, expected, path);
  }
  for (const path of ['/v2/models/sum-model/ready', '/v2/models/sum-model/versions/1/ready']) {
    const ready = await getJson(`${server.url}${path}`);
    assert.equal(ready.status, 200, path);
    assert.deepEqual(ready.body, { name: 'sum-model', ready: true }, path);
  }
  for (const path of ['/v2/models/nope', '/v2/models/nope/ready', '/v2/models/nope/versions/1', '/v2/models/sum-model/versions/9', '/v2/models/sum-model/versions/9/ready']) {
    const res = await getJson(`${server.url}${path}`);
    assert.equal(res.status, 404, path);
    assert.equal(typeof res.body.error, 'string', path);
  }
});

test('inference with and without a version; id echoed; model_version says who answered', async () => {
  const request = { id: 'call-7', inputs: [{ name: 'input-0', shape: [2, 3], datatype: 'INT32', data: [1, 2, 3, 4, 5, 6] }], outputs: [{ name: 'output-0' }] };
  for (const path of ['/v2/models/sum-model/infer', '/v2/models/sum-model/versions/1/infer']) {
    const res = await inferJson(path, request);
    assert.equal(res.status, 200, path);
    assert.deepEqual(res.json, { model_name: 'sum-model', model_version: '1', id: 'call-7', outputs: [{ name: 'output-0', datatype: 'INT32', shape: [2], data: [6, 15] }] });
  }
  const noId = await inferJson('/v2/models/sum-model/infer', { ...request, id: undefined });
  assert.equal('id' in (noId.json ?? {}), false, 'no id in the request, none in the response');
});

test('the fixture requests replay over HTTP against models that take them', async () => {
  const responseShape = readFixture('mlserver/inference-response.json');
  const cases: [string, string, string[]][] = [
    ['mlserver/inference-request.json', 'sum-model', ['output-0', 'requested-output-0', 'predict', 'predict_proba']],
    ['mlserver/inference-request-with-output.json', 'sum-model', ['requested-output-0']],
    ['mlserver/runtime-xgboost-inference-request.json', 'sum-model', ['output-0', 'requested-output-0', 'predict', 'predict_proba']],
    ['mlserver/runtime-lightgbm-inference-request.json', 'sum-model', ['predict', 'predict_proba']],
    ['mlserver/runtime-sklearn-inference-request.json', 'flat-model', ['predict', 'predict_proba']],
    ['kserve-e2e/iris_input_v2.json', 'iris', ['output-0']],
    ['kserve-e2e/iris_input_v2_binary.json', 'iris', ['output-0']],
    ['kserve-e2e/iris_input_v2_all_binary.json', 'iris', ['output-0']],
  ];
  for (const [file, model, outputs] of cases) {
    const request: Record<string, unknown> = { ...readFixture(file), id: file };
    const res = await inferJson(`/v2/models/${model}/infer`, request);
    assert.equal(res.status, 200, `${file}: ${res.raw.toString('utf8').slice(0, 300)}`);
    const parsed = res.parsed as ParsedResponse;
    // The same top-level fields as the MLServer response fixture (plus model_version).
    assert.deepEqual(Object.keys(parsed.header).filter((k) => k !== 'model_version').sort(), Object.keys(responseShape).sort(), file);
    assert.equal(parsed.header.id, file);
    assert.deepEqual(parsed.outputs.map((o) => o.name), outputs, file);
    const input = (request.inputs as { data: unknown[] }[])[0] as { data: unknown[] };
    const flat = input.data.flat(2) as number[];
    const echoed = parsed.outputs.find((o) => o.name === 'predict' || o.name === 'requested-output-0' || o.name === 'output-0');
    // JSON prints the shortest text of each float32; binary carries the float32 itself.
    const want = echoed?.binary ? flat.map(Math.fround) : flat;
    if (echoed?.name === 'output-0' && model === 'sum-model') assert.deepEqual(echoed.values, [6], file);
    else assert.deepEqual(echoed?.values, want, file);
  }
  const binary = await inferJson('/v2/models/iris/infer', readFixture('kserve-e2e/iris_input_v2_binary.json'));
  assert.ok(binary.parsed?.outputs.every((o) => o.binary), 'output-0 asked binary_data: true');
  assert.equal(binary.headers.get('content-type'), 'application/octet-stream');
  const all = await inferJson('/v2/models/iris/infer', readFixture('kserve-e2e/iris_input_v2_all_binary.json'));
  assert.ok(all.parsed?.outputs.every((o) => o.binary), 'binary_data_output: true');
  const plain = await inferJson('/v2/models/iris/infer', readFixture('kserve-e2e/iris_input_v2.json'));
  assert.ok(plain.parsed?.outputs.every((o) => !o.binary));
  assert.equal(plain.headers.get('inference-header-content-length'), null);
  assertError(await inferJson('/v2/models/sum-model/infer', readFixture('mlserver/inference-request-invalid-datatype.json')), 400, /INT322/);
});

for (const [datatype, sample] of Object.entries(SAMPLES)) {
  test(`${datatype} round-trips through an echo model: JSON and binary, in both directions`, async () => {
    const path = `/v2/models/${echoName(datatype)}/infer`;
    const input = { name: 'x', shape: [2, 2], datatype };
    const jsonOut = sample.jsonValues ?? sample.values;
    const bytes = leBytes(datatype, sample.values);
    const check = (answer: HttpAnswer, binaryOut: boolean, how: string): void => {
      assert.equal(answer.status, 200, `${how}: ${answer.raw.toString('utf8').slice(0, 300)}`);
      const out = answer.parsed?.outputs[0];
      assert.equal(answer.parsed?.header.id, how);
      assert.deepEqual({ name: out?.name, datatype: out?.datatype, shape: out?.shape, binary: out?.binary }, { name: 'y', datatype, shape: [2, 2], binary: binaryOut }, how);
      assert.deepEqual(out?.values, binaryOut ? sample.values : jsonOut, how);
      assert.equal(answer.headers.get('inference-header-content-length') !== null, binaryOut, `${how}: the length header comes with binary outputs only`);
    };
    check(await inferJson(path, { id: 'json-json', inputs: [{ ...input, data: sample.json }] }), false, 'json-json');
    check(await inferBinary(path, { id: 'binary-json', inputs: [input] }, { x: bytes }), false, 'binary-json');
    check(await inferJson(path, { id: 'json-binary', inputs: [{ ...input, data: sample.json }], parameters: { binary_data_output: true } }), true, 'json-binary');
    check(await inferBinary(path, { id: 'binary-binary', inputs: [input], outputs: [{ name: 'y', parameters: { binary_data: true } }] }, { x: bytes }), true, 'binary-binary');
    // Nested JSON data (one array per row) means the same tensor.
    check(await inferJson(path, { id: 'nested', inputs: [{ ...input, data: [sample.json.slice(0, 2), sample.json.slice(2)] }] }), false, 'nested');
    const extreme = BINARY_ONLY[datatype];
    if (extreme) {
      const answer = await inferBinary(path, { id: 'extreme', inputs: [input], parameters: { binary_data_output: true } }, { x: leBytes(datatype, extreme) });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.parsed?.outputs[0]?.values, extreme);
      const asJson = await inferBinary(path, { id: 'extreme-json', inputs: [input] }, { x: leBytes(datatype, extreme) });
      const printed = asJson.parsed?.outputs[0]?.values ?? [];
      if (datatype !== 'FP16') assert.deepEqual(printed, extreme, '64-bit integers print every digit');
      else {
        // The shortest text of a half: within half a step (2^-11 relative, 2^-25 for subnormals) of its value.
        extreme.forEach((bits, i) => {
          const exact = halfValue(bits as number);
          const got = printed[i] as number;
          assert.ok(got === exact || Math.abs(got - exact) <= Math.max(Math.abs(exact) * 2 ** -11, 2 ** -25), `half ${bits}: printed ${got}, value ${exact}`);
        });
      }
    }
  });
}

test('binary requests without a content type, and JSON and binary inputs mixed in one call', async () => {
  const bytes = leBytes('FP32', [1.5, -2, 0.25, 8]);
  const noType = await inferBinary('/v2/models/echo-fp32/infer', { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32' }] }, { x: bytes }, undefined);
  assert.equal(noType.status, 200, noType.raw.toString('utf8'));
  assert.deepEqual(noType.parsed?.outputs[0]?.values, [1.5, -2, 0.25, 8]);
  const mixed = await inferBinary('/v2/models/pair/infer', {
    id: 'mixed',
    inputs: [{ name: 'a', shape: [2, 2], datatype: 'FP32' }, { name: 'b', shape: [2, 2], datatype: 'INT64', data: [1, -2, 3, -4] }],
    outputs: [{ name: 'b_out', parameters: { binary_data: true } }, { name: 'a_out' }],
  }, { a: bytes });
  assert.equal(mixed.status, 200, mixed.raw.toString('utf8'));
  assert.deepEqual(mixed.parsed?.outputs.map((o) => [o.name, o.binary, o.values]), [['b_out', true, [1n, -2n, 3n, -4n]], ['a_out', false, [1.5, -2, 0.25, 8]]]);
});

test('concurrent calls batched together each get their own rows back, in their own transport', async () => {
  const calls = Array.from({ length: 24 }, (_, i) => {
    const values = [BigInt(i) * 1000n, -BigInt(i), 2n ** 62n + BigInt(i), BigInt(i)];
    const binaryOut = i % 2 === 0;
    const request = { id: `c${i}`, inputs: [{ name: 'x', shape: [2, 2], datatype: 'INT64' }], parameters: { binary_data_output: binaryOut } };
    return inferBinary('/v2/models/echo-int64/infer', request, { x: leBytes('INT64', values) }).then((answer) => ({ i, values, binaryOut, answer }));
  });
  for (const { i, values, binaryOut, answer } of await Promise.all(calls)) {
    assert.equal(answer.status, 200);
    assert.equal(answer.parsed?.header.id, `c${i}`);
    assert.deepEqual(answer.parsed?.outputs.map((o) => [o.binary, o.values]), [[binaryOut, values]], `call ${i}`);
  }
});

test('requested outputs: only those, in the order asked, each in its own transport', async () => {
  const inputs = [{ name: 'input-0', shape: [1, 3], datatype: 'INT32', data: [1, 2, 3] }];
  const res = await inferJson('/v2/models/sum-model/infer', { inputs, outputs: [{ name: 'predict_proba' }, { name: 'output-0', parameters: { binary_data: true } }] });
  assert.equal(res.status, 200);
  assert.deepEqual(res.parsed?.outputs.map((o) => [o.name, o.datatype, o.binary, o.values]), [['predict_proba', 'FP32', false, [1, 2, 3]], ['output-0', 'INT32', true, [6]]]);
  // binary_data_output is the default for outputs that do not say.
  const flipped = await inferJson('/v2/models/sum-model/infer', { inputs, parameters: { binary_data_output: true }, outputs: [{ name: 'predict' }, { name: 'output-0', parameters: { binary_data: false } }] });
  assert.deepEqual(flipped.parsed?.outputs.map((o) => [o.name, o.binary]), [['predict', true], ['output-0', false]]);
  assertError(await inferJson('/v2/models/sum-model/infer', { inputs, outputs: [{ name: 'nope' }] }), 400, /nope/);
});

test('errors: {"error": ...} with 404 for unknown models, 400 for bad datatypes, shapes and bodies', async () => {
  const good = { name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] };
  assertError(await inferJson('/v2/models/nope/infer', { inputs: [good] }), 404, /nope/);
  assertError(await inferJson('/v2/models/echo-fp32/versions/9/infer', { inputs: [good] }), 404, /version/);
  assertError(await inferJson('/v2/models/echo-fp32/infer', { inputs: [{ ...good, datatype: 'FP99' }] }), 400, /FP99/);
  // Named as the caller named them: the protocol's datatypes, not the runtime's.
  assertError(await inferJson('/v2/models/echo-fp32/infer', { inputs: [{ ...good, datatype: 'INT32' }] }), 400, /"x" has datatype INT32, but the model takes FP32/);
  assertError(await inferJson('/v2/models/echo-fp32/infer', { inputs: [{ ...good, datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] }] }), 400, /"x" has datatype BYTES, but the model takes FP32/);
  assertError(await inferJson('/v2/models/echo-fp32/infer', { inputs: [{ ...good, data: [1, 2, 3] }] }), 400, /shape|elements|values/);
  assertError(await inferJson('/v2/models/echo-fp32/infer', { inputs: [{ ...good, shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }] }), 400, /shape/);
  assertError(await inferJson('/v2/models/echo-fp32/infer', { inputs: [{ ...good, name: 'nope' }] }), 400, /nope/);
  assertError(await inferJson('/v2/models/echo-fp32/infer', { inputs: [good, { ...good, name: 'x' }] }), 400, /twice/);
  assertError(await send('/v2/models/echo-fp32/infer', '{"inputs": [', { 'content-type': 'application/json' }), 400, /JSON/);
  assertError(await inferBinary('/v2/models/echo-fp32/infer', { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32' }] }, { x: new Uint8Array(12) }), 400, /binary_data_size/);
  const res = await send('/v2/models/echo-fp32/infer', JSON.stringify({ inputs: [good] }), { 'content-type': 'application/json', 'inference-header-content-length': '99999' });
  assertError(res, 400, /Inference-Header-Content-Length/i);
  // The server keeps serving after all of that.
  assert.equal((await inferJson('/v2/models/echo-fp32/infer', { inputs: [good] })).status, 200);
});

test('a model whose file is corrupt is not ready: 503 on infer and readiness, and the server is not ready', async () => {
  const broken = await startServer({
    repository: writeRepo({
      broken: { versions: { '1': { file: 'model.onnx', content: new Uint8Array([0x08, 0x07, 0x12, 0xff, 0xff, 0x01, 0x02]) } } },
      fine: echo(ELEM.float32),
    }),
  });
  const request = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] };
  const call = (path: string) => fetch(`${broken.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  for (const path of ['/v2/models/broken/infer', '/v2/models/broken/versions/1/infer']) {
    const res = await call(path);
    assert.equal(res.status, 503, path);
    const body = (await res.json()) as { error: string };
    assert.match(body.error, /broken/);
    assert.ok(res.headers.get('retry-after'), 'a not-ready answer says when to retry');
  }
  for (const path of ['/v2/models/broken', '/v2/models/broken/ready', '/v2/models/broken/versions/1/ready']) {
    assert.equal((await getJson(`${broken.url}${path}`)).status, 503, path);
  }
  assert.equal((await getJson(`${broken.url}/v2/health/ready`)).status, 503);
  assert.equal((await getJson(`${broken.url}/v2/health/live`)).status, 200);
  // The other model serves.
  assert.equal((await getJson(`${broken.url}/v2/models/fine/ready`)).status, 200);
  assert.equal((await call('/v2/models/fine/infer')).status, 200);
  await broken.close();
});
