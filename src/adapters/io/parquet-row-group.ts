import { brotliDecompressSync, unzipSync } from 'node:zlib';
import { parquetRead, parquetSchema, type ColumnChunk, type Compressors, type SchemaTree } from 'hyparquet';
import { compressors as jsCompressors } from 'hyparquet-compressors';
import { TEXT_TIME_PARSERS } from './parquet-columns.ts';
import type { FileBytes, ParquetFooter, RowGroupSpan } from './parquet-file.ts';
import { FlatColumnDecoder, type ColumnPiece } from './parquet-flat-column.ts';

/** Every codec Parquet writers use; gzip and brotli through Node's native zlib. */
const COMPRESSORS: Compressors = {
  ...jsCompressors,
  GZIP: (input) => unzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
};

/** A row group's decoded columns (in the reader's column order), each as pieces placed by file row. */
export interface DecodedGroup {
  readonly end: number;
  readonly columns: readonly (readonly ColumnPiece[])[];
}

/**
 * Decodes row groups of one file for a fixed list of top-level columns.
 * Flat columns, the usual case, are decoded page by page from one read of
 * the group's bytes; lists, maps and structs go through hyparquet's reader,
 * which assembles them.
 */
export class RowGroupDecoder {
  private readonly root: SchemaTree;
  private readonly trees: readonly SchemaTree[];

  constructor(
    private readonly footer: ParquetFooter,
    private readonly names: readonly string[],
  ) {
    this.root = parquetSchema(footer.metadata);
    const byName = new Map(this.root.children.map((tree) => [tree.element.name, tree]));
    this.trees = names.map((name) => byName.get(name) as SchemaTree);
  }

  /** Rows [from, group end) of `group`; the pieces may begin before `from` (the page holding it). */
  async decode(file: FileBytes, group: RowGroupSpan, from: number): Promise<DecodedGroup> {
    const start = Math.max(from, group.start);
    const chunks = chunksByName(this.footer.metadata.row_groups[group.index]?.columns ?? []);
    const columns: ColumnPiece[][] = this.names.map(() => []);
    const flat = this.trees.flatMap((tree, i) => (isFlat(tree) ? [i] : []));
    const nested = this.trees.flatMap((tree, i) => (isFlat(tree) ? [] : [i]));
    if (flat.length > 0) {
      const ranges = flat.map((i) => byteRange(chunks.get(this.names[i] as string), this.names[i] as string));
      const first = Math.min(...ranges.map((r) => r.start));
      const bytes = new Uint8Array(await file.slice(first, Math.max(...ranges.map((r) => r.end))));
      flat.forEach((i, k) => {
        const range = ranges[k] as ByteRange;
        const decoder = new FlatColumnDecoder(this.root, this.trees[i] as SchemaTree, range.chunk, TEXT_TIME_PARSERS, COMPRESSORS);
        columns[i] = decoder.decode(bytes.subarray(range.start - first, range.end - first), group.start, start - group.start, group.end - group.start);
      });
    }
    if (nested.length > 0) {
      const position = new Map(nested.map((i) => [this.names[i] as string, i]));
      await parquetRead({
        file,
        metadata: this.footer.metadata,
        columns: nested.map((i) => this.names[i] as string),
        rowStart: start,
        rowEnd: group.end,
        parsers: TEXT_TIME_PARSERS,
        compressors: COMPRESSORS,
        onChunk: (chunk) => columns[position.get(chunk.columnName) as number]?.push({ rowStart: chunk.rowStart, rowEnd: chunk.rowEnd, values: chunk.columnData }),
      });
    }
    columns.forEach((pieces, i) => {
      pieces.sort((a, b) => a.rowStart - b.rowStart);
      if (!covers(pieces, start, group.end)) throw new Error(`column "${this.names[i]}" holds fewer values than the row group's ${group.end - group.start} rows`);
    });
    return { end: group.end, columns };
  }
}

/** One value per row: no children, and not a repeated field (an old-style list). */
export function isFlat(tree: SchemaTree): boolean {
  return tree.children.length === 0 && tree.element.repetition_type !== 'REPEATED';
}

interface ByteRange {
  readonly start: number;
  readonly end: number;
  readonly chunk: ColumnChunk;
}

function chunksByName(chunks: readonly ColumnChunk[]): Map<string, ColumnChunk> {
  const byName = new Map<string, ColumnChunk>();
  for (const chunk of chunks) {
    const path = chunk.meta_data?.path_in_schema;
    if (path?.length === 1) byName.set(path[0] as string, chunk);
  }
  return byName;
}

function byteRange(chunk: ColumnChunk | undefined, name: string): ByteRange {
  const meta = chunk?.meta_data;
  if (!chunk || !meta) throw new Error(`column "${name}" has no column chunk in this row group`);
  if (chunk.file_path) throw new Error(`column "${name}" is stored in another file (${chunk.file_path}), which is not supported`);
  // As hyparquet and parquet-mr do: a zero dictionary offset means there is no dictionary page.
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start, end: start + Number(meta.total_compressed_size), chunk };
}

function covers(pieces: readonly ColumnPiece[], start: number, end: number): boolean {
  let next = start;
  for (const piece of pieces) {
    if (piece.rowStart > next) return false;
    next = Math.max(next, piece.rowEnd);
  }
  return next >= end;
}
