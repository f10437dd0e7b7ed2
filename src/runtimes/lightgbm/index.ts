export { lightgbmRuntime } from './lightgbm-runtime.ts';
