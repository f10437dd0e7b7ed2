import type { OutputColumn } from '../../core/index.ts';
import { PARQUET, physicalTypeOf } from './parquet-page.ts';
import { CompactWriter } from './parquet-thrift.ts';

/** A committed row group as the writer remembers it to write the footer later. */
export interface RowGroupState {
  readonly rows: number;
  /** Each column chunk's size in bytes, in column order; the chunks lie back to back from the group's start. */
  readonly columnBytes: readonly number[];
}

export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

/**
 * The file's tail: FileMetaData, its length and the closing magic. It is a
 * function of the columns and the row groups only (no clock, no random id),
 * so a resumed job writes the same bytes as an uninterrupted one.
 */
export function encodeFooter(columns: readonly OutputColumn[], rowGroups: readonly RowGroupState[]): Uint8Array {
  const w = new CompactWriter().i32(1, 1);
  writeSchema(w, columns);
  w.i64(3, rowGroups.reduce((sum, g) => sum + g.rows, 0));
  w.beginStructList(4, rowGroups.length);
  let offset = MAGIC.length;
  for (const group of rowGroups) offset = writeRowGroup(w, columns, group, offset);
  w.string(6, 'tetra');
  const metadata = w.end();
  const tail = new Uint8Array(metadata.length + 8);
  tail.set(metadata);
  new DataView(tail.buffer).setUint32(metadata.length, metadata.length, true);
  tail.set(MAGIC, metadata.length + 4);
  return tail;
}

function writeSchema(w: CompactWriter, columns: readonly OutputColumn[]): void {
  w.beginStructList(2, columns.length + 1);
  w.beginElement().string(4, 'schema').i32(5, columns.length).endStruct();
  for (const column of columns) {
    w.beginElement().i32(1, physicalTypeOf(column.type)).i32(3, PARQUET.repetition.OPTIONAL).string(4, column.name);
    const text = textTypes(column);
    if (text) w.i32(6, text.converted).beginStruct(10).beginStruct(text.logical).endStruct().endStruct();
    w.endStruct();
  }
}

/** JSON columns carry the JSON annotation so readers (DuckDB, Spark, this reader) see JSON, not plain text. */
function textTypes(column: OutputColumn): { converted: number; logical: number } | undefined {
  if (column.type === 'string') return { converted: PARQUET.convertedType.UTF8, logical: PARQUET.logicalType.STRING };
  if (column.type === 'json') return { converted: PARQUET.convertedType.JSON, logical: PARQUET.logicalType.JSON };
  return undefined;
}

/** Writes one RowGroup starting at `offset`; returns where the next one starts. */
function writeRowGroup(w: CompactWriter, columns: readonly OutputColumn[], group: RowGroupState, offset: number): number {
  const start = offset;
  w.beginElement().beginStructList(1, columns.length);
  columns.forEach((column, i) => {
    const bytes = group.columnBytes[i] as number;
    w.beginElement().i64(2, offset).beginStruct(3);
    w.i32(1, physicalTypeOf(column.type))
      .i32List(2, [PARQUET.encoding.PLAIN, PARQUET.encoding.RLE])
      .stringList(3, [column.name])
      .i32(4, PARQUET.codec.UNCOMPRESSED)
      .i64(5, group.rows)
      .i64(6, bytes)
      .i64(7, bytes)
      .i64(9, offset);
    w.endStruct().endStruct();
    offset += bytes;
  });
  const total = offset - start;
  w.i64(2, total).i64(3, group.rows).i64(5, start).i64(6, total).endStruct();
  return offset;
}
