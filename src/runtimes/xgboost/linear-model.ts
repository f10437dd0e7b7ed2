import type { MarginEvaluator } from './forest-source.ts';

/**
 * gblinear: margin = base + bias + sum(weight * x) over present features,
 * summed in float32 in feature order like XGBoost. Missing (NaN) features
 * are skipped, as they are absent from XGBoost's sparse rows.
 */
export class LinearModel implements MarginEvaluator {
  constructor(
    /** (numFeature + 1) x numOutputs, feature-major; the last row holds the biases. */
    private readonly weights: Float32Array,
    private readonly numFeature: number,
    private readonly numOutputs: number,
  ) {}

  accumulate(x: Float32Array, rows: number, margins: Float32Array): void {
    const { weights: w, numFeature: nf, numOutputs: k } = this;
    const psum = new Float32Array(1);
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < k; g++) {
        psum[0] = (w[nf * k + g] as number) + (margins[r * k + g] as number);
        for (let f = 0; f < nf; f++) {
          const v = x[r * nf + f] as number;
          if (v === v) psum[0] += Math.fround(v * (w[f * k + g] as number));
        }
        margins[r * k + g] = psum[0] as number;
      }
    }
  }
}
