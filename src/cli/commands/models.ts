import { resolve } from 'node:path';
import { ModelRepository, type ModelMetadata } from '../../core/index.ts';
import { openModel } from '../open-model.ts';
import { writeOut } from '../output.ts';
import { allRuntimes } from '../runtimes.ts';

/** `tetra models list`: every model in the repository with its versions and state. */
export async function modelsListCommand(options: { repo: string; json?: boolean }): Promise<void> {
  const repository = new ModelRepository({ runtimes: allRuntimes(), root: resolve(options.repo) });
  await repository.scan();
  await repository.loadAll();
  try {
    const rows = repository.list().map((m) => ({
      name: m.name,
      versions: m.versions.map((v) => ({ version: v.version, state: v.state, ...(v.error ? { error: v.error.message } : {}) })),
      runtime: m.versions.find((v) => v.served)?.served?.runtime,
      description: m.source.config?.description,
      ...(m.error ? { error: m.error.message } : {}),
    }));
    if (options.json) return await writeOut(JSON.stringify(rows, null, 2) + '\n');
    if (rows.length === 0) return await writeOut(`no models in ${options.repo}\n`);
    const lines = rows.map((r) => {
      const versions = r.versions.map((v) => `${v.version}${v.state === 'ready' ? '' : ` (${v.state})`}`).join(', ') || '-';
      const problem = r.error ?? r.versions.find((v) => v.error)?.error;
      return `${r.name.padEnd(24)} ${(r.runtime ?? '-').padEnd(9)} versions ${versions}${r.description ? `  ${r.description}` : ''}${problem ? `\n  error: ${problem}` : ''}`;
    });
    await writeOut(lines.join('\n') + '\n');
  } finally {
    await repository.close();
  }
}

/** `tetra models inspect <name|file>`: signature, versions and input schema. */
export async function modelsInspectCommand(options: { model: string; repo: string; version?: string; json?: boolean }): Promise<void> {
  const { name, repository, service } = await openModel(options.model, options.repo, options.version);
  try {
    const meta = service.metadata(name);
    await writeOut(options.json ? JSON.stringify(meta, null, 2) + '\n' : formatMetadata(meta));
  } finally {
    await repository.close();
  }
}

function formatMetadata(m: ModelMetadata): string {
  const shape = (s: readonly number[]): string => `[${s.map((d) => (d < 0 ? '-1' : String(d))).join(', ')}]`;
  const out = [
    `model      ${m.name}${m.description ? ` - ${m.description}` : ''}`,
    `version    ${m.version} (served: ${m.versions.join(', ')})`,
    `runtime    ${m.runtime}  ${m.artifact}`,
    `task       ${m.task}${m.objective ? ` (${m.objective})` : ''}${m.classes ? `  classes: ${m.classes.join(', ')}` : ''}`,
    'inputs',
    ...m.inputs.map((t) => `  ${t.name}  ${t.dtype} ${shape(t.shape)}`),
    'outputs',
    ...m.outputs.map((t) => `  ${t.name}  ${t.dtype} ${shape(t.shape)}`),
  ];
  if (m.features) {
    out.push(`features (${m.features.length}, in matrix order)`);
    for (const f of m.features) {
      const levels = f.levels ? `  levels: ${f.levels.length <= 12 ? f.levels.join(', ') : `${f.levels.slice(0, 12).join(', ')}, ... (${f.levels.length})`}` : '';
      out.push(`  ${f.name.padEnd(24)} ${f.type}${f.required ? '' : ' (optional)'}${levels}`);
    }
  }
  return out.join('\n') + '\n';
}
