import { malformed } from './tensor-place.ts';
import { optionalBoolean, optionalParameters, requireArray, requireName, requireObject } from './request-fields.ts';

/** An output the caller asked for, with its transport resolved. */
export interface OipRequestedOutput {
  readonly name: string;
  /** True to send it in the binary section: its `binary_data`, else the request's `binary_data_output`. */
  readonly binary: boolean;
  readonly parameters?: Record<string, unknown>;
}

/** Reads the request's `outputs`; undefined when absent (meaning: all outputs). */
export function readRequestedOutputs(value: unknown, binaryDefault: boolean): OipRequestedOutput[] | undefined {
  if (value === undefined) return undefined;
  const list = requireArray(value, 'outputs');
  const seen = new Map<string, number>();
  return list.map((item, i) => {
    const path = `outputs[${i}]`;
    const output = requireObject(item, path);
    const name = requireName(output.name, `${path}.name`);
    const earlier = seen.get(name);
    if (earlier !== undefined) throw malformed(`${path}.name`, `output "${name}" is requested twice (also outputs[${earlier}])`, name);
    seen.set(name, i);
    if (output.parameters === undefined) return { name, binary: binaryDefault };
    const parameters = optionalParameters(output.parameters, `${path}.parameters`);
    const binary = optionalBoolean(parameters.binary_data, `${path}.parameters.binary_data`) ?? binaryDefault;
    return { name, binary, parameters };
  });
}
