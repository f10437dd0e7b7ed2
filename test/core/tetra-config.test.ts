import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTetraConfig, TetraError } from '../../src/core/index.ts';
import { tempDir } from '../helpers/temp-dir.ts';

test('defaults < file < environment < flags', async () => {
  const file = join(tempDir(), 'tetra.yaml');
  writeFileSync(file, 'repository: from-file\nserver:\n  port: 9001\n  host: 10.0.0.1\nbatching:\n  max_batch_size: 16\n');
  const config = await loadTetraConfig({ file, env: { TETRA_PORT: '9002', TETRA_BATCHING__MAX_WAIT: '5ms' }, flags: { server: { port: 9003 } } });
  assert.equal(config.repository, 'from-file');
  assert.equal(config.server.host, '10.0.0.1');
  assert.equal(config.server.port, 9003);
  assert.equal(config.batching.max_batch_size, 16);
  assert.equal(config.batching.max_wait, 5);
  assert.equal(config.server.reload_interval, 10_000, 'untouched settings keep their defaults');
});

test('environment strings stay strings unless they are numbers, booleans or YAML lists', async () => {
  const config = await loadTetraConfig({ file: null, env: { TETRA_HOST: '::', TETRA_REPO: '/data/models #1', TETRA_API_KEYS: 'key-number-1,key-number-2' } });
  assert.equal(config.server.host, '::');
  assert.equal(config.repository, '/data/models #1');
  assert.deepEqual(config.server.api_keys, ['key-number-1', 'key-number-2']);
});

test('a bad setting is named with its path and where its value came from', async () => {
  const bad = async (sources: Parameters<typeof loadTetraConfig>[0], path: RegExp): Promise<void> => {
    await assert.rejects(loadTetraConfig(sources), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && path.test(e.message), JSON.stringify(sources));
  };
  await bad({ file: null, env: { TETRA_API_KEYS: 'short' } }, /server\.api_keys\[0\] \(from TETRA_API_KEYS\)/);
  await bad({ file: null, env: { TETRA_SERVER__PORT: 'eighty' } }, /server\.port \(from TETRA_SERVER__PORT\)/);
  await bad({ file: null, env: {}, flags: { server: { overload_status: 418 } } }, /server\.overload_status \(from command-line flag\)/);
  const file = join(tempDir(), 'tetra.yaml');
  writeFileSync(file, 'server:\n  colour: blue\n');
  await bad({ file, env: {} }, /server\.colour \(from .*tetra\.yaml\): unknown setting "colour"/);
});

test('__proto__ in a configuration file is refused, not merged into every object', async () => {
  const file = join(tempDir(), 'tetra.yaml');
  writeFileSync(file, '__proto__:\n  polluted: yes\n');
  await assert.rejects(loadTetraConfig({ file, env: {} }), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && /__proto__/.test(e.message));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
