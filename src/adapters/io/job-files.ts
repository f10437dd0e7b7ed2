import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TetraError, type JobManifest } from '../../core/index.ts';

/** The manifest that records a file output's committed chunks: next to the output. */
export function manifestPathFor(output: string): string {
  return `${output}.tetra-job.json`;
}

/** Where a file output grows until it is complete: a hidden file beside it, renamed at the end. */
export function partialPathFor(output: string): string {
  return join(dirname(output), `.${basename(output)}.partial`);
}

/** The lock that keeps a second job off a file output while one writes it: a hidden file beside it. */
export function lockPathFor(output: string): string {
  return join(dirname(output), `.${basename(output)}.lock`);
}

/** Where a file output's rejected rows go unless the job names another file. */
export function rejectsPathFor(output: string): string {
  return join(dirname(output), `${basename(output)}.rejects.jsonl`);
}

/** Where a file output's job summary goes unless the job names another file. */
export function summaryPathFor(output: string): string {
  return `${output}.summary.json`;
}

/** The files one job writes; any may be absent (a database output, no summary). */
export interface JobFileNames {
  /** A file output: its partial file, manifest and lock are the job's too. */
  readonly output?: string;
  readonly rejects?: string;
  readonly summary?: string;
}

/**
 * Which of a job's own files `path` is ('output', 'rejects file'...), or
 * undefined for any other file. Paths are compared resolved, so
 * `data/x.csv` and `./data/../data/x.csv` are one file.
 */
export function jobFileRole(files: JobFileNames, path: string): string | undefined {
  const target = resolve(path);
  if (files.rejects !== undefined && target === resolve(files.rejects)) return 'rejects file';
  if (files.summary !== undefined && target === resolve(files.summary)) return 'summary file';
  if (files.output === undefined) return undefined;
  const output = resolve(files.output);
  if (target === output) return 'output';
  const manifest = manifestPathFor(output);
  const lock = lockPathFor(output);
  if (target === partialPathFor(output)) return 'partial output';
  if (target === manifest || target === temporaryPathFor(manifest)) return 'manifest';
  // The lock's own temporary files carry a suffix per process.
  if (target === lock || target.startsWith(`${lock}.`)) return 'lock file';
  return undefined;
}

/** Where a file is written before it is renamed over `path`. */
function temporaryPathFor(path: string): string {
  return `${path}.tmp`;
}

export async function readManifestFile(path: string): Promise<JobManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TetraError('OUTPUT_FAILED', `${path}: the job manifest cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
  }
  try {
    const manifest = JSON.parse(text) as JobManifest;
    if (manifest.format !== 'tetra-batch-manifest/1') throw new Error(`unknown format ${JSON.stringify(manifest.format)}`);
    return manifest;
  } catch (error) {
    throw new TetraError('OUTPUT_FAILED', `${path}: not a Tetra job manifest (${(error as Error).message}); delete it to start the job over`, { file: path, cause: error });
  }
}

/** Replaces the manifest atomically: a reader sees the old one or the new one, never a torn file. */
export async function writeManifestFile(path: string, manifest: JobManifest): Promise<void> {
  const temporary = temporaryPathFor(path);
  await writeDurably(temporary, JSON.stringify(manifest, null, 2) + '\n');
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

/**
 * Deletes a manifest and makes the deletion durable: an earlier job's
 * manifest must not come back after a crash once a new job replaces it.
 */
export async function removeManifestFile(path: string): Promise<void> {
  try {
    await rm(path, { force: true });
    await syncDirectory(dirname(path));
  } catch (error) {
    throw new TetraError('OUTPUT_FAILED', `${path}: the earlier job's manifest cannot be removed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
  }
}

/** Moves a finished file into place and makes the rename durable. */
export async function publishFile(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDirectory(dirname(to));
}

export async function removeIfPresent(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Writes a whole file and syncs it; `flag` 'wx' creates it only if no file has that name. */
export async function writeDurably(path: string, text: string, flag: 'w' | 'wx' = 'w'): Promise<void> {
  const handle = await open(path, flag);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the creation, rename or removal of a file in this folder durable. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

/**
 * A file written by appending, durable at each `sync`. Opened fresh (any
 * earlier content dropped) or at a committed length (anything after it,
 * written by a run that was killed before committing, is cut off).
 */
export class AppendFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private length: number,
  ) {}

  static async open(path: string, committedBytes?: number): Promise<AppendFile> {
    try {
      if (committedBytes === undefined) return new AppendFile(path, await open(path, 'w'), 0);
      const handle = await open(path, 'r+');
      const { size } = await handle.stat();
      if (size < committedBytes) {
        await handle.close();
        throw new TetraError('OUTPUT_FAILED', `${path}: holds ${size} bytes but the job manifest says ${committedBytes} were committed; the output was changed outside Tetra (rerun with --force)`, { file: path });
      }
      await handle.truncate(committedBytes);
      return new AppendFile(path, handle, committedBytes);
    } catch (error) {
      if (TetraError.is(error)) throw error;
      throw new TetraError('OUTPUT_FAILED', `${path}: cannot be opened for writing (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
    }
  }

  /** Bytes written so far (committed or not). */
  get bytes(): number {
    return this.length;
  }

  async append(data: string | Uint8Array): Promise<void> {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await this.handle.write(buffer, offset, buffer.length - offset, this.length);
      offset += bytesWritten;
      this.length += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
