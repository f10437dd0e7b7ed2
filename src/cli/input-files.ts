import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { jobFileRole, lockPathFor, manifestPathFor, rejectsPathFor, summaryPathFor, type JobFileNames } from '../adapters/io/job-files.ts';
import { TetraError } from '../core/index.ts';

const DATA_EXTENSIONS = /\.(csv|tsv|jsonl|ndjson|parquet|pq)(\.gz)?$/i;

/**
 * The files an `--input` names, in a fixed order (by name), so every run
 * and every shard sees the same sequence: a file, a folder (its data
 * files), or a glob in the last path segment (`data/part-*.csv`).
 *
 * `own` are the files the job itself writes. A folder or glob never lists
 * them: an output written into the input folder would otherwise be read
 * back by the next run (and change the input's stamps, so it could not
 * even resume). An input file that is one of them is refused. Nor do they
 * list another Tetra job's output (a file with a job manifest, lock or
 * summary beside it) or its rejects: N shards writing into their input folder must
 * all see the same inputs, whichever of them started or finished first.
 * `othersSkipped` hears of those, so the user learns why a file was not read.
 */
export async function inputFiles(input: string, own: JobFileNames = {}, othersSkipped?: (paths: readonly string[]) => void): Promise<string[]> {
  if (input === '-') return ['-'];
  if (/[*?[]/.test(basename(input))) return matchGlob(input, own, othersSkipped);
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new TetraError('INPUT_UNREADABLE', `${input}: no such file or folder`, { file: input });
  if (info.isFile()) {
    refuseOwnFile(input, own);
    return [input];
  }
  const listing = new Set(await readdir(input));
  const data = [...listing].filter((n) => DATA_EXTENSIONS.test(n) && !n.startsWith('.'));
  const names = withoutJobFiles(data, input, own, listing, othersSkipped);
  if (names.length === 0) throw new TetraError('INPUT_UNREADABLE', `${input}: the folder holds no CSV, JSON Lines or Parquet files${data.length > 0 ? ' besides the files this and other Tetra jobs write' : ''}`, { file: input });
  return names.map((n) => join(input, n));
}

/** The names in `folder` that are neither this job's files nor another job's, sorted; the other jobs' go to `othersSkipped`. */
function withoutJobFiles(names: readonly string[], folder: string, own: JobFileNames, listing: ReadonlySet<string>, othersSkipped?: (paths: readonly string[]) => void): string[] {
  const mine = names.filter((n) => jobFileRole(own, join(folder, n)) === undefined);
  const others = mine.filter((n) => anotherJobsFile(n, listing));
  if (others.length > 0) othersSkipped?.(others.sort().map((n) => join(folder, n)));
  return mine.filter((n) => !others.includes(n)).sort();
}

/**
 * A job's output or its default rejects file, told by the folder's
 * `listing`: beside the output, the job's lock (taken before it writes
 * anything, held while it runs), its manifest (from its first commit on)
 * or its summary (written when it ends, also when it failed before any
 * commit, leaving a rejects file behind).
 */
function anotherJobsFile(name: string, listing: ReadonlySet<string>): boolean {
  const marks = (output: string): string[] => [manifestPathFor(output), lockPathFor(output), summaryPathFor(output)].map((path) => basename(path));
  const isJobOutput = (output: string): boolean => marks(output).some((mark) => listing.has(mark));
  const rejectsSuffix = basename(rejectsPathFor('x')).slice(1);
  return isJobOutput(name) || (name.endsWith(rejectsSuffix) && isJobOutput(name.slice(0, -rejectsSuffix.length)));
}

function refuseOwnFile(input: string, own: JobFileNames): void {
  const role = jobFileRole(own, input);
  if (role === undefined) return;
  const named = role === 'rejects file' ? `--rejects ${own.rejects}` : role === 'summary file' ? `--summary ${own.summary}` : `--output ${own.output}`;
  throw new TetraError('CONFIG_INVALID', `--input ${input} is this job's own ${role} (${named}): a job cannot read a file it writes; give another --input or --output`, { file: input, field: 'input' });
}

async function matchGlob(pattern: string, own: JobFileNames, othersSkipped?: (paths: readonly string[]) => void): Promise<string[]> {
  const folder = dirname(pattern);
  if (/[*?[]/.test(folder)) throw new TetraError('INPUT_UNREADABLE', `${pattern}: wildcards are supported in the file name only, not in folders`, { file: pattern });
  const regex = globToRegex(basename(pattern));
  const names = await readdir(folder).catch((e: unknown) => {
    throw new TetraError('INPUT_UNREADABLE', `${folder}: cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: folder, cause: e });
  });
  const all = names.filter((n) => regex.test(n));
  const matched = withoutJobFiles(all, folder, own, new Set(names), othersSkipped);
  if (matched.length === 0) throw new TetraError('INPUT_UNREADABLE', `${pattern}: no file matches${all.length > 0 ? ' besides the files this and other Tetra jobs write' : ''}`, { file: pattern });
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
