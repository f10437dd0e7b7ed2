import { stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { DatasetWriter, JobManifest, OutputChunk, OutputColumn } from '../../core/index.ts';
import { FileOutput } from './file-output.ts';
import { AppendFile, manifestPathFor, partialPathFor, publishFile, writeManifestFile } from './job-files.ts';
import { chunkLines, type RowFormat } from './text-row-format.ts';

/** What a text output needs to resume: the bytes that belong to committed chunks. */
interface TextWriterState {
  readonly bytes: number;
}

/**
 * A CSV or JSON Lines output file. It grows as a hidden partial file next
 * to the output and is renamed into place when the job finishes, so the
 * output appears complete or not at all. With gzip, each chunk is its own
 * gzip member (readers see one stream): a resume can cut the file at a
 * member boundary, and the bytes do not depend on where a run was stopped.
 */
export class TextFileWriter extends FileOutput implements DatasetWriter {
  readonly takesColumnar = true;
  private columns: readonly OutputColumn[] = [];
  private headerWritten = false;

  constructor(name: string, private readonly format: RowFormat, private readonly gzip = name.endsWith('.gz')) {
    super(name);
  }

  async open(columns: readonly OutputColumn[], resume?: JobManifest): Promise<void> {
    this.columns = columns;
    const state = resume?.writer as TextWriterState | undefined;
    if (state) await this.reclaimFinishedOutput(state.bytes);
    this.file = await AppendFile.open(partialPathFor(this.name), state?.bytes);
    this.headerWritten = state !== undefined && state.bytes > 0;
  }

  async commit(chunk: OutputChunk, manifest: JobManifest): Promise<JobManifest> {
    const file = this.opened();
    const header = this.pendingHeader();
    const rows = chunkLines(this.format, this.columns, chunk);
    const bytes = header === '' ? rows : Buffer.concat([Buffer.from(header, 'utf8'), rows]);
    if (bytes.length > 0) {
      await file.append(this.encode(bytes));
      await file.sync();
    }
    const committed: JobManifest = { ...manifest, writer: { bytes: file.bytes } satisfies TextWriterState };
    await writeManifestFile(manifestPathFor(this.name), committed);
    return committed;
  }

  async finish(manifest: JobManifest): Promise<void> {
    const file = this.opened();
    const header = this.pendingHeader();
    if (header) await file.append(this.encode(header));
    await file.sync();
    await file.close();
    this.file = undefined;
    await publishFile(partialPathFor(this.name), this.name);
    await writeManifestFile(manifestPathFor(this.name), { ...manifest, writer: { bytes: 0 }, finished: true });
  }

  /**
   * A run killed between renaming the finished file into place and storing
   * the finished manifest leaves no partial file: take the output back as
   * the partial (the resume finishes it again, to the same bytes). Only a
   * file of exactly the size this job's finish leaves is taken.
   */
  private async reclaimFinishedOutput(committedBytes: number): Promise<void> {
    const partial = partialPathFor(this.name);
    if (await stat(partial).then(() => true, () => false)) return;
    const output = await stat(this.name).catch(() => undefined);
    const text = committedBytes > 0 ? '' : this.format.header(this.columns);
    const header = text === '' ? 0 : this.encode(text).length;
    if (output?.isFile() && output.size === committedBytes + header) await publishFile(this.name, partial);
  }

  private encode(text: string | Uint8Array): Uint8Array {
    if (this.gzip) return gzipSync(text);
    return typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  }

  private pendingHeader(): string {
    if (this.headerWritten) return '';
    this.headerWritten = true;
    return this.format.header(this.columns);
  }

}
