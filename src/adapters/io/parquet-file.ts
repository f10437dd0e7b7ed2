import { open, type FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import type { DatasetColumn } from '../../core/index.ts';
import { columnTypeOf } from './parquet-columns.ts';
import { unreadable } from './parquet-unreadable.ts';

/** A row group's place in its file: rows [start, end), its compressed bytes (for progress) and its bytes uncompressed (what decoding it holds; undefined when the footer does not say). */
export interface RowGroupSpan {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
  readonly uncompressedBytes: number | undefined;
}

/** What a Parquet file's footer tells before any row is read. */
export interface ParquetFooter {
  readonly path: string;
  readonly bytes: number;
  readonly metadata: FileMetaData;
  readonly columns: readonly DatasetColumn[];
  /** Row groups with rows, in file order. */
  readonly rowGroups: readonly RowGroupSpan[];
  readonly rows: number;
}

/**
 * A local file as hyparquet's AsyncBuffer: positioned reads on one open
 * handle (no stream per read), each read counted for progress.
 */
export class FileBytes implements AsyncBuffer {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly byteLength: number,
    private readonly onRead: (bytes: number) => void,
  ) {}

  static async open(path: string, onRead: (bytes: number) => void = () => {}): Promise<FileBytes> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, 'r');
      const { size } = await handle.stat();
      return new FileBytes(path, handle, size, onRead);
    } catch (error) {
      await handle?.close();
      throw unreadable(path, `cannot be opened (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, error);
    }
  }

  async slice(start: number, end = this.byteLength): Promise<ArrayBuffer> {
    const out = new Uint8Array(Math.max(0, end - start));
    let done = 0;
    while (done < out.length) {
      const { bytesRead } = await this.handle.read(out, done, out.length - done, start + done);
      if (bytesRead === 0) throw new Error(`the file ends at byte ${start + done}, before byte ${end} that its footer points to`);
      done += bytesRead;
    }
    this.onRead(out.length);
    return out.buffer;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export async function readFooter(path: string, onRead?: (bytes: number) => void): Promise<ParquetFooter> {
  const file = await FileBytes.open(path, onRead);
  try {
    const metadata = await parquetMetadataAsync(file).catch((error: unknown) => {
      throw unreadable(path, `is not a readable Parquet file (${(error as Error).message})`, error);
    });
    const columns = parquetSchema(metadata).children.map((tree) => ({ name: tree.element.name, type: columnTypeOf(tree) }));
    const rowGroups: RowGroupSpan[] = [];
    let start = 0;
    metadata.row_groups.forEach((group, index) => {
      const rows = Number(group.num_rows);
      if (!Number.isSafeInteger(rows) || rows < 0) throw unreadable(path, `row group ${index} claims ${group.num_rows} rows`);
      const bytes = group.columns.reduce((sum, c) => sum + Number(c.meta_data?.total_compressed_size ?? 0), 0);
      if (rows > 0) rowGroups.push({ index, start, end: start + rows, bytes, uncompressedBytes: uncompressedBytesOf(group) });
      start += rows;
    });
    return { path, bytes: file.byteLength, metadata, columns, rowGroups, rows: start };
  } finally {
    await file.close();
  }
}

/** The row group's uncompressed size: its columns' sizes, else the group's own total, else unknown. */
function uncompressedBytesOf(group: FileMetaData['row_groups'][number]): number | undefined {
  const sizes = group.columns.map((c) => c.meta_data?.total_uncompressed_size);
  const size = sizes.every((n) => n !== undefined) ? sizes.reduce((sum: number, n) => sum + Number(n), 0) : Number(group.total_byte_size);
  return Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}
