/** Tetra's public API: the core data plane, the runtimes and the record readers. */
export * from './core/index.ts';
export * from './core/telemetry/index.ts';
export { onnxRuntime } from './runtimes/onnx/index.ts';
export { xgboostRuntime } from './runtimes/xgboost/index.ts';
export { lightgbmRuntime } from './runtimes/lightgbm/index.ts';
export { jsRuntime, type JsModelModule, type JsLoadContext } from './runtimes/js/index.ts';
export { csvRecords, jsonlRecords, CsvParser, type RecordBatch } from './adapters/io/index.ts';
export { allRuntimes } from './cli/runtimes.ts';
