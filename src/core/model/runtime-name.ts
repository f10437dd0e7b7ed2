/** The model formats Tetra runs. */
export const RUNTIME_NAMES = ['onnx', 'xgboost', 'lightgbm', 'js'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];
