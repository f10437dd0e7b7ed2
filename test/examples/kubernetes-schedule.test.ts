import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ParquetReader } from '../../src/adapters/io/parquet-reader.ts';
import { loadTetraConfig } from '../../src/core/index.ts';
import { CronExpression } from '../../src/modes/batch/cron.ts';
import { FRAUD_REPO } from '../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../helpers/fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

interface Mount { name: string; mountPath: string; readOnly?: boolean }
interface Volume { name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string } }
interface Deployment {
  kind: 'Deployment';
  spec: { replicas: number; strategy: { type: string }; template: { spec: { containers: { args: string[]; volumeMounts: Mount[]; ports: { containerPort: number }[] }[]; volumes: Volume[] } } };
}
interface ConfigMap { kind: 'ConfigMap'; metadata: { name: string }; data: Record<string, string> }

const MANIFEST = join(PROJECT_ROOT, 'examples', 'fraud', 'kubernetes', 'schedule-deployment.yaml');

test('the Kubernetes scheduler Deployment: one pod, its journal and outputs on the volume, and its declared job runs as written', async () => {
  const docs = parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((d) => d.toJSON() as ConfigMap | Deployment);
  const configMap = docs.find((d): d is ConfigMap => d.kind === 'ConfigMap');
  const deployment = docs.find((d): d is Deployment => d.kind === 'Deployment');
  assert.ok(configMap && deployment);
  assert.equal(deployment.spec.replicas, 1);
  assert.equal(deployment.spec.strategy.type, 'Recreate', 'the old scheduler stops before the new one takes the journal');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  assert.ok(container);
  const arg = (flag: string): string | undefined => container.args[container.args.indexOf(flag) + 1];
  assert.equal(container.args[0], 'schedule');
  assert.equal(Number(arg('--port')), container.ports[0]?.containerPort);

  // Each path the pod uses, resolved to its volume.
  const volumeOf = (path: string): { mount: Mount; volume: Volume } => {
    const mount = container.volumeMounts.filter((m) => path.startsWith(`${m.mountPath}/`)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    assert.ok(mount, `${path} is on a mounted volume`);
    const volume = pod.volumes.find((v) => v.name === mount.name);
    assert.ok(volume, `volume ${mount.name} is declared`);
    return { mount, volume };
  };
  const configPath = arg('--config') as string;
  assert.equal(volumeOf(configPath).volume.configMap?.name, configMap.metadata.name);
  const tetraYaml = configMap.data[configPath.split('/').pop() as string];
  assert.ok(tetraYaml, 'the ConfigMap holds the file --config names');
  const declared = parse(tetraYaml) as { schedule: { journal: string }; jobs: Record<string, { output: string; schedule: string; timezone?: string }> };
  const job = declared.jobs['nightly-scores'];
  assert.ok(job);
  for (const path of [declared.schedule.journal, job.output]) {
    const { mount, volume } = volumeOf(path);
    assert.ok(volume.persistentVolumeClaim && !mount.readOnly, `${path} outlives the pod and can be written`);
  }
  const imageRepo = /TETRA_REPO=(\S+)/.exec(readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8'))?.[1];
  assert.ok(container.volumeMounts.some((m) => m.mountPath === imageRepo), `the models are mounted where the image looks (${imageRepo})`);
  CronExpression.parse(job.schedule, job.timezone ? { timezone: job.timezone } : {});

  // The same tetra.yaml with /data in a folder here: it is a valid configuration, and its job scores a day's files.
  const dir = tempDir();
  const local = join(dir, 'tetra.yaml');
  writeFileSync(local, tetraYaml.replaceAll('/data/', `${dir}/`));
  const config = await loadTetraConfig({ file: local, env: {} });
  assert.equal(config.schedule.journal, join(dir, 'tetra-schedule.json'));
  const today = new Date().toISOString().slice(0, 10);
  mkdirSync(join(dir, 'transactions', today), { recursive: true });
  mkdirSync(join(dir, 'scores'));
  writeFileSync(join(dir, 'transactions', today, 'part-0.csv'), readFileSync(join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv')));
  const run = await runCli(['batch', 'nightly-scores', '--config', local, '--progress', 'none'], { env: { TETRA_REPO: FRAUD_REPO } });
  assert.equal(run.code, 0, run.stderr);
  let rows = 0;
  for await (const chunk of new ParquetReader([join(dir, 'scores', `${today}.parquet`)]).read({ chunkRows: 1000 })) rows += chunk.records.length;
  assert.equal(rows, 500);
});
