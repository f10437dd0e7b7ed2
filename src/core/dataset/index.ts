export { MALFORMED_ROW, countRowsByReading, malformedRowError } from './dataset-reader.ts';
export type { ColumnType, DatasetColumn, DatasetReader, DatasetSize, PlainKind, ReadOptions, RowChunk } from './dataset-reader.ts';
export type { DatasetWriter, JobManifest, KeyNotKept, OutputChunk, OutputColumn } from './dataset-writer.ts';
export type { RejectedRecord, RejectsLog } from './rejects-log.ts';
export { cellsOf, columnarOf, rowsOf, writeUtf8 } from './columnar-rows.ts';
export type { ColumnCells, ColumnarRows } from './columnar-rows.ts';
