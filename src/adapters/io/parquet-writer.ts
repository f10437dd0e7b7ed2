import { access, open, type FileHandle } from 'node:fs/promises';
import { TetraError, type DatasetWriter, type JobManifest, type OutputChunk, type OutputColumn } from '../../core/index.ts';
import { FileOutput } from './file-output.ts';
import { AppendFile, manifestPathFor, partialPathFor, publishFile, writeManifestFile } from './job-files.ts';
import { encodeFooter, MAGIC, type RowGroupState } from './parquet-footer.ts';
import { encodeColumnarChunk } from './parquet-columnar.ts';
import { columnsOf, encodeColumnChunk, type ValueOrigin } from './parquet-page.ts';

/** What a Parquet output needs to resume and, at the end, to write its footer. */
export interface ParquetWriterState {
  readonly format: 'tetra-parquet/1';
  /** Bytes of the partial file that belong to committed chunks. */
  readonly bytes: number;
  readonly rowGroups: readonly RowGroupState[];
}

/**
 * A Parquet output file. Each committed chunk is one row group appended to
 * a hidden partial file; the footer (which lists every row group) is
 * written only by `finish`, from the row groups remembered in the job
 * manifest, and then the file is renamed into place.
 *
 * Pages are PLAIN and uncompressed: the output is mostly model scores,
 * which compress little, the bytes depend on nothing but the values, and no
 * compressor has to be shipped. Every column is OPTIONAL so nulls are kept.
 */
export class ParquetFileWriter extends FileOutput implements DatasetWriter {
  readonly takesColumnar = true;
  readonly storesColumns = true;
  private columns: readonly OutputColumn[] = [];
  private rowGroups: RowGroupState[] = [];
  private rowsWritten = 0;

  /** `pageRows` bounds the rows of each data page; it is part of what decides the file's bytes. */
  constructor(
    name: string,
    private readonly options: { readonly pageRows?: number } = {},
  ) {
    super(name);
  }

  async open(columns: readonly OutputColumn[], resume?: JobManifest): Promise<void> {
    this.columns = columns;
    const partial = partialPathFor(this.name);
    if (!resume) {
      this.rowGroups = [];
      this.rowsWritten = 0;
      this.file = await AppendFile.open(partial);
      await this.file.append(MAGIC);
      return;
    }
    const state = checkState(resume.writer, columns.length, manifestPathFor(this.name));
    await reclaimFinishedOutput(partial, this.name, state.bytes, encodeFooter(columns, state.rowGroups));
    this.file = await AppendFile.open(partial, state.bytes);
    this.rowGroups = [...state.rowGroups];
    this.rowsWritten = state.rowGroups.reduce((sum, g) => sum + g.rows, 0);
  }

  async commit(chunk: OutputChunk, manifest: JobManifest): Promise<JobManifest> {
    const file = this.opened();
    const rows = chunk.columnar ? chunk.columnar.reduce((sum, part) => sum + part.count, 0) : chunk.rows.length;
    if (rows > 0) {
      // Every value is checked and encoded before the first byte is written.
      const columnChunks = this.encode(chunk, { file: this.name, firstRow: this.rowsWritten });
      await file.append(Buffer.concat(columnChunks));
      this.rowGroups.push({ rows, columnBytes: columnChunks.map((c) => c.length) });
      this.rowsWritten += rows;
    }
    await file.sync();
    const committed: JobManifest = { ...manifest, writer: this.state(file.bytes) };
    await writeManifestFile(manifestPathFor(this.name), committed);
    return committed;
  }

  /** One column chunk per column; the same bytes whether the rows came as rows or column by column. */
  private encode(chunk: OutputChunk, origin: ValueOrigin): Uint8Array[] {
    const { columnar } = chunk;
    if (columnar) return this.columns.map((column, i) => encodeColumnarChunk(column, columnar, i, origin, this.options.pageRows));
    const cells = columnsOf(chunk.rows, this.columns.length);
    return this.columns.map((column, i) => encodeColumnChunk(column, cells[i] as unknown[], origin, this.options.pageRows));
  }

  async finish(manifest: JobManifest): Promise<void> {
    const file = this.opened();
    const committedBytes = file.bytes;
    await file.append(encodeFooter(this.columns, this.rowGroups));
    await file.sync();
    await file.close();
    this.file = undefined;
    await publishFile(partialPathFor(this.name), this.name);
    await writeManifestFile(manifestPathFor(this.name), { ...manifest, writer: this.state(committedBytes), finished: true });
  }

  private state(bytes: number): ParquetWriterState {
    // A copy: the manifest handed back must not grow with later commits.
    return { format: 'tetra-parquet/1', bytes, rowGroups: [...this.rowGroups] };
  }

}

/** The resume state from a manifest, checked against itself: the footer is built from it. */
function checkState(writer: unknown, columnCount: number, manifestPath: string): ParquetWriterState {
  const state = writer as Partial<ParquetWriterState> | undefined;
  const fail = (what: string): never => {
    throw new TetraError('OUTPUT_FAILED', `${manifestPath}: ${what}; delete it (or rerun with --force) to start the job over`, { file: manifestPath, retriable: false });
  };
  if (state?.format !== 'tetra-parquet/1' || !Array.isArray(state.rowGroups) || !Number.isSafeInteger(state.bytes)) fail('the manifest holds no Parquet writer state');
  let bytes = MAGIC.length;
  for (const [i, group] of (state as ParquetWriterState).rowGroups.entries()) {
    const sizes = group?.columnBytes;
    if (!Number.isSafeInteger(group?.rows) || !Array.isArray(sizes) || sizes.length !== columnCount || !sizes.every((n) => Number.isSafeInteger(n) && n > 0)) {
      fail(`row group ${i} in the manifest does not match the ${columnCount} output columns`);
    }
    bytes += sizes.reduce((sum, n) => sum + n, 0);
  }
  if (bytes !== state?.bytes) fail(`the manifest's row groups add up to ${bytes} bytes, not the ${state?.bytes} it says were committed`);
  return state as ParquetWriterState;
}

/**
 * A run killed between renaming the finished file into place and storing
 * the finished manifest leaves no partial file: take the output back as the
 * partial (the resume cuts its footer off and writes the same one again).
 * Only a file that ends with exactly the footer this job would write is
 * taken, never an older output that happens to be at the same path.
 */
async function reclaimFinishedOutput(partial: string, output: string, committedBytes: number, footer: Uint8Array): Promise<void> {
  if (await exists(partial)) return;
  let handle: FileHandle | undefined;
  try {
    handle = await open(output, 'r');
    const { size } = await handle.stat();
    if (size !== committedBytes + footer.length) return;
    const tail = new Uint8Array(footer.length);
    await handle.read(tail, 0, tail.length, committedBytes);
    if (!Buffer.from(tail).equals(footer)) return;
  } catch {
    return; // no output either: the resume fails on the missing partial, naming it
  } finally {
    await handle?.close();
  }
  await publishFile(output, partial);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
