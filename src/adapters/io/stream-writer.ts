import type { Writable } from 'node:stream';
import { TetraError, type DatasetWriter, type JobManifest, type OutputChunk, type OutputColumn } from '../../core/index.ts';
import { chunkLines, type RowFormat } from './text-row-format.ts';

/**
 * Rows written to a stream (stdout) as they come. A stream cannot be taken
 * back, so such a job cannot resume: it keeps no manifest and starts over.
 */
export class StreamWriter implements DatasetWriter {
  readonly resumable = false;
  readonly takesColumnar = true;
  private columns: readonly OutputColumn[] = [];
  private headerWritten = false;

  constructor(readonly name: string, private readonly stream: Writable, private readonly format: RowFormat) {}

  /** Nothing to guard: every run writes its own stream. */
  async lock(): Promise<void> {}

  async readManifest(): Promise<JobManifest | undefined> {
    return undefined;
  }

  async discardManifest(): Promise<void> {}

  async open(columns: readonly OutputColumn[]): Promise<void> {
    this.columns = columns;
  }

  async commit(chunk: OutputChunk, manifest: JobManifest): Promise<JobManifest> {
    await this.write(this.pendingHeader());
    await this.write(chunkLines(this.format, this.columns, chunk));
    return manifest;
  }

  async finish(): Promise<void> {
    await this.write(this.pendingHeader());
  }

  async close(): Promise<void> {}

  private pendingHeader(): string {
    if (this.headerWritten) return '';
    this.headerWritten = true;
    return this.format.header(this.columns);
  }

  /** Waits for the stream to take the text, so a slow reader holds back the job instead of memory growing. */
  private write(text: string | Uint8Array): Promise<void> {
    if (text.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.stream.write(text, (error) => (error ? reject(new TetraError('OUTPUT_FAILED', `${this.name}: ${error.message}`, { file: this.name, cause: error })) : resolve()));
    });
  }
}
