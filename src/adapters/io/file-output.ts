import type { JobManifest } from '../../core/index.ts';
import { AppendFile, manifestPathFor, readManifestFile, removeManifestFile } from './job-files.ts';
import { OutputLock } from './output-lock.ts';

/**
 * What every file output of a batch job shares: the lock beside it, the
 * manifest beside it, the hidden partial file being appended to, and a
 * close that lets go of the file and then the lock, whatever happened.
 */
export abstract class FileOutput {
  readonly resumable = true;
  /** The partial file, while the output is open. */
  protected file?: AppendFile;
  private outputLock?: OutputLock;

  constructor(readonly name: string) {}

  async lock(): Promise<void> {
    this.outputLock ??= await OutputLock.acquire(this.name);
  }

  readManifest(): Promise<JobManifest | undefined> {
    return readManifestFile(manifestPathFor(this.name));
  }

  discardManifest(): Promise<void> {
    return removeManifestFile(manifestPathFor(this.name));
  }

  async close(): Promise<void> {
    const lock = this.outputLock;
    this.outputLock = undefined;
    try {
      await this.file?.close();
      this.file = undefined;
    } finally {
      await lock?.release();
    }
  }

  protected opened(): AppendFile {
    if (!this.file) throw new Error('the output is not open');
    return this.file;
  }
}
