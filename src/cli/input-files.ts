import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TetraError } from '../core/index.ts';

const DATA_EXTENSIONS = /\.(csv|tsv|jsonl|ndjson|parquet|pq)(\.gz)?$/i;

/**
 * The files an `--input` names, in a fixed order (by name), so every run
 * and every shard sees the same sequence: a file, a folder (its data
 * files), or a glob in the last path segment (`data/part-*.csv`).
 */
export async function inputFiles(input: string): Promise<string[]> {
  if (input === '-') return ['-'];
  if (/[*?[]/.test(basename(input))) return matchGlob(input);
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new TetraError('INPUT_UNREADABLE', `${input}: no such file or folder`, { file: input });
  if (info.isFile()) return [input];
  const names = (await readdir(input)).filter((n) => DATA_EXTENSIONS.test(n) && !n.startsWith('.')).sort();
  if (names.length === 0) throw new TetraError('INPUT_UNREADABLE', `${input}: the folder holds no CSV, JSON Lines or Parquet files`, { file: input });
  return names.map((n) => join(input, n));
}

async function matchGlob(pattern: string): Promise<string[]> {
  const folder = dirname(pattern);
  if (/[*?[]/.test(folder)) throw new TetraError('INPUT_UNREADABLE', `${pattern}: wildcards are supported in the file name only, not in folders`, { file: pattern });
  const regex = globToRegex(basename(pattern));
  const names = await readdir(folder).catch((e: unknown) => {
    throw new TetraError('INPUT_UNREADABLE', `${folder}: cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: folder, cause: e });
  });
  const matched = names.filter((n) => regex.test(n)).sort();
  if (matched.length === 0) throw new TetraError('INPUT_UNREADABLE', `${pattern}: no file matches`, { file: pattern });
  return matched.map((n) => join(folder, n));
}

function globToRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
