import { RuntimeRegistry } from '../core/index.ts';
import { jsRuntime } from '../runtimes/js/index.ts';
import { lightgbmRuntime } from '../runtimes/lightgbm/index.ts';
import { onnxRuntime } from '../runtimes/onnx/index.ts';
import { xgboostRuntime } from '../runtimes/xgboost/index.ts';

/** Every runtime Tetra ships. Order matters when recognising a file: the first that claims it wins. */
export function allRuntimes(): RuntimeRegistry {
  return new RuntimeRegistry([onnxRuntime, xgboostRuntime, lightgbmRuntime, jsRuntime]);
}
