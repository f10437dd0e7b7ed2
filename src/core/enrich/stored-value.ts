import type { FeatureSpec } from '../codec/feature-spec.ts';
import { MISSING, encodeValue } from '../codec/parse-value.ts';

/** The largest finite float32; the encoder refuses larger values for float32 models. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Why the record encoder would refuse a stored value, or undefined when it
 * takes it. Checked before the value joins the record: once there, the
 * encoder could only blame the caller for it.
 */
export function storedValueProblem(feature: FeatureSpec, value: string, dtype: 'float32' | 'float64'): string | undefined {
  let encoded: number | typeof MISSING;
  try {
    encoded = encodeValue(feature, value, 0);
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^row 0: /, '') : String(error);
  }
  if (encoded === MISSING) {
    // Blank or NA: fine where the model takes a missing value, otherwise as bad as any other.
    if (feature.defaultValue !== undefined || feature.nullable) return undefined;
    return `feature "${feature.name}" is ${JSON.stringify(value)}, which means missing, and the model requires a value`;
  }
  if (dtype === 'float32' && Number.isFinite(encoded) && Math.abs(encoded) > FLOAT32_MAX) {
    return `feature "${feature.name}" is ${encoded}, beyond the float32 range the model computes in`;
  }
  return undefined;
}
