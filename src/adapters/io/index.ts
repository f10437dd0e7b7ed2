export { CsvParser, type CsvParserOptions } from './csv-parser.ts';
export { csvRecords, type CsvRecordOptions } from './csv-records.ts';
export { jsonlRecords } from './jsonl-records.ts';
export { DEFAULT_BATCH_ROWS, type RecordBatch, type RecordReaderOptions } from './record-batch.ts';
export { jsonDocumentRecords } from './json-records.ts';
