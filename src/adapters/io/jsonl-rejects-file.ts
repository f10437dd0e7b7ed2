import type { RejectedRecord, RejectsLog } from '../../core/index.ts';
import { AppendFile } from './job-files.ts';

/** Rejected rows as JSON Lines, one object per row, in input order. */
export class JsonlRejectsFile implements RejectsLog {
  private file?: AppendFile;

  constructor(readonly name: string) {}

  async open(committedBytes?: number): Promise<void> {
    this.file = await AppendFile.open(this.name, committedBytes);
  }

  async append(records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.opened().append(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }

  async sync(): Promise<number> {
    const file = this.opened();
    await file.sync();
    return file.bytes;
  }

  async close(): Promise<void> {
    await this.file?.close();
    this.file = undefined;
  }

  private opened(): AppendFile {
    if (!this.file) throw new Error('the rejects file is not open');
    return this.file;
  }
}
