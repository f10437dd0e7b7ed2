import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TetraError, type ModelRepository } from '../core/index.ts';

/**
 * The input as given, whole: a reader's display name shortens a long query,
 * and two queries that differ only in their WHERE clause are two jobs. A
 * database URL's user and password are left out: rotating them changes
 * no row.
 */
export function inputLocation(input: string): string {
  if (!/^postgres(ql)?:\/\//i.test(input)) return input;
  try {
    const url = new URL(input);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return input;
  }
}

/**
 * What a job's input files are now: name, size and modification time of
 * each. A resume after any of them changed (tomorrow's extract written to
 * the same path, a file added to the folder) would splice two inputs' rows
 * into one output, so these are part of the job's fingerprint. Reading
 * the files to hash them would cost as much as the job; a database or stdin
 * has no such stamp. `files` are those the job reads (listed once, so the
 * stamps name exactly the files read).
 */
export async function inputStamps(files: readonly string[] | undefined): Promise<readonly (readonly [string, number, number])[] | undefined> {
  if (files === undefined || files.includes('-')) return undefined;
  return Promise.all(files.map(async (file) => {
    const info = await stat(file).catch((error: unknown) => {
      throw new TetraError('INPUT_UNREADABLE', `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file, cause: error });
    });
    return [file, info.size, info.mtimeMs] as const;
  }));
}

/**
 * A digest of the model a job scores with: its artifact's bytes and its
 * model.yaml settings (threshold, labels, feature rules). A model retrained
 * in place keeps its name, version and path; a resume must still notice it.
 */
export async function modelDigest(repository: ModelRepository, name: string, version: string | undefined): Promise<string> {
  const served = repository.resolve(name, version);
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(served.artifact)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new TetraError('MODEL_FILE_UNREADABLE', `${served.artifact}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: served.artifact, cause: error });
  }
  hash.update('\u0000');
  hash.update(JSON.stringify(served.config ?? null));
  return hash.digest('hex').slice(0, 32);
}
