export { jsRuntime } from './js-runtime.ts';
export type { JsModelModule, JsInputRecord, JsOutputDType } from './js-model-module.ts';
