import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { TetraError } from '../errors/index.ts';
import { configError } from './config-error.ts';
import { modelConfigSchema, type ModelConfigFile } from './model-config.ts';

/** Reads and validates a model.yaml. Errors name the file and the path of the bad field. */
export async function loadModelConfig(file: string): Promise<ModelConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TetraError('CONFIG_INVALID', `${file}: cannot be read (${(error as Error).message})`, { file, cause: error });
  }
  return parseModelConfig(text, file);
}

/** Validates model.yaml text; `file` is only used in messages. */
export function parseModelConfig(text: string, file: string): ModelConfigFile {
  const doc = parseDocument(text, { prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line;
    throw new TetraError('CONFIG_INVALID', `${file}${line ? `:${line}` : ''}: not valid YAML: ${yamlError.message}`, { file, line, cause: yamlError });
  }
  const value: unknown = doc.toJS() ?? {};
  const parsed = modelConfigSchema.safeParse(value);
  if (!parsed.success) throw configError(parsed.error, file);
  return parsed.data;
}
