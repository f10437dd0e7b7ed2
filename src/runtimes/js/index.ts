export { jsRuntime } from './js-runtime.ts';
export type { JsModelModule, JsLoadContext, JsInputRecord, JsOutputDType } from './js-model-module.ts';
