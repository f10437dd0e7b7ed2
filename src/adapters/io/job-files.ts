import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TetraError, type JobManifest } from '../../core/index.ts';

/** The manifest that records a file output's committed chunks: next to the output. */
export function manifestPathFor(output: string): string {
  return `${output}.tetra-job.json`;
}

/** Where a file output grows until it is complete: a hidden file beside it, renamed at the end. */
export function partialPathFor(output: string): string {
  return join(dirname(output), `.${basename(output)}.partial`);
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
  const temporary = `${path}.tmp`;
  await writeDurably(temporary, JSON.stringify(manifest, null, 2) + '\n');
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

/** Moves a finished file into place and makes the rename durable. */
export async function publishFile(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDirectory(dirname(to));
}

export async function removeIfPresent(path: string): Promise<void> {
  await rm(path, { force: true });
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(path: string): Promise<void> {
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
