export { MALFORMED_ROW, malformedRowError } from './dataset-reader.ts';
export type { ColumnType, DatasetColumn, DatasetReader, DatasetSize, ReadOptions, RowChunk } from './dataset-reader.ts';
export type { DatasetWriter, JobManifest, OutputChunk, OutputColumn } from './dataset-writer.ts';
export type { RejectedRecord, RejectsLog } from './rejects-log.ts';
