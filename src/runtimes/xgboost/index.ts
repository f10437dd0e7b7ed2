export { xgboostRuntime } from './xgboost-runtime.ts';
