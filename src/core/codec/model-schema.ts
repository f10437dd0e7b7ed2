import type { ModelConfigFile } from '../config/model-config.ts';
import { TetraError } from '../errors/index.ts';
import type { FeatureDescription } from '../model/model-description.ts';
import type { LoadedModel } from '../model/model-runtime.ts';
import type { TensorSpec } from '../model/signature.ts';
import { compileFeatures } from './compile-features.ts';
import type { OutputSpec } from './output-decoder.ts';
import { RecordEncoder } from './record-encoder.ts';

/** How records map onto one loaded model: the encoder for inputs and the meaning of outputs. */
export interface ModelSchema {
  /** Absent when the model cannot take records (no single numeric feature-matrix input). */
  readonly encoder?: RecordEncoder;
  readonly inputTensor?: string;
  readonly outputs: OutputSpec;
}

/**
 * Builds the records schema of a model from its model.yaml (optional) and
 * what the runtime read from the file. `where` names the model in errors.
 */
export function compileModelSchema(config: ModelConfigFile | undefined, model: LoadedModel, where: string): ModelSchema {
  const input = featureInput(config, model, where);
  const outputs = compileOutputs(config, model, where);
  if (!input) {
    if (config?.inputs || model.description.declaredInputs) {
      throw new TetraError('CONFIG_INVALID', `${where}: "inputs" lists record features but the model has no single numeric feature-matrix input (inputs: ${model.signature.inputs.map((s) => `${s.name} ${s.dtype} [${s.shape.join(', ')}]`).join('; ')}); set input_tensor or remove "inputs"`, { path: 'inputs' });
    }
    return { outputs };
  }
  const fileFeatures = model.description.features ?? positionalFeatures(input);
  const declared = config?.inputs ?? model.description.declaredInputs;
  const features = compileFeatures(declared, fileFeatures, model.description.featureNamesFromFile ?? false, where);
  const dtype = input.dtype === 'float64' ? 'float64' : 'float32';
  return { encoder: new RecordEncoder(features, dtype), inputTensor: input.name, outputs };
}

function featureInput(config: ModelConfigFile | undefined, model: LoadedModel, where: string): TensorSpec | undefined {
  const { signature, description } = model;
  const name = config?.input_tensor ?? description.featureInput ?? soleMatrixInput(signature.inputs)?.name;
  if (name === undefined) return undefined;
  const spec = signature.inputs.find((s) => s.name === name);
  if (!spec) {
    throw new TetraError('CONFIG_INVALID', `${where}: input_tensor "${name}" is not an input of the model (inputs: ${signature.inputs.map((s) => s.name).join(', ')})`, { path: 'input_tensor' });
  }
  const numeric = spec.dtype === 'float32' || spec.dtype === 'float64' || spec.accepts?.includes('float32') || spec.accepts?.includes('float64');
  if (!numeric || spec.shape.length !== 2 || signature.inputs.length !== 1) return undefined;
  return spec;
}

function soleMatrixInput(inputs: readonly TensorSpec[]): TensorSpec | undefined {
  return inputs.length === 1 && inputs[0]?.shape.length === 2 ? inputs[0] : undefined;
}

function positionalFeatures(input: TensorSpec): FeatureDescription[] | undefined {
  const width = input.shape[1] as number;
  if (width < 0) return undefined;
  return Array.from({ length: width }, (_, i) => ({ name: `f${i}`, kind: 'number' as const }));
}

function compileOutputs(config: ModelConfigFile | undefined, model: LoadedModel, where: string): OutputSpec {
  const d = model.description;
  const declared = config?.outputs;
  const task = declared?.task ?? d.task;
  const classes = declared?.classes ?? d.classes;
  const scoreOutput = declared?.score_output ?? d.scoreOutput;
  const outputNames = model.signature.outputs.map((o) => o.name);
  if (scoreOutput !== undefined && !outputNames.includes(scoreOutput)) {
    throw new TetraError('CONFIG_INVALID', `${where}: outputs.score_output "${scoreOutput}" is not an output of the model (outputs: ${outputNames.join(', ')})`, { path: 'outputs.score_output' });
  }
  if (task !== 'other' && scoreOutput === undefined) {
    throw new TetraError('CONFIG_INVALID', `${where}: outputs.task is ${task} but the model does not say which output holds its scores; set outputs.score_output (outputs: ${outputNames.join(', ')})`, { path: 'outputs.score_output' });
  }
  if (task === 'binary' && classes && classes.length !== 2) {
    throw new TetraError('CONFIG_INVALID', `${where}: outputs.classes has ${classes.length} classes but the task is binary`, { path: 'outputs.classes' });
  }
  if (task === 'multiclass' && classes && d.numClasses !== undefined && classes.length !== d.numClasses) {
    throw new TetraError('CONFIG_INVALID', `${where}: outputs.classes has ${classes.length} classes but the model has ${d.numClasses}`, { path: 'outputs.classes' });
  }
  return {
    task,
    scoreOutput,
    classes,
    threshold: declared?.threshold ?? 0.5,
    probabilityField: declared?.probability_field ?? 'probability',
    probabilitiesField: declared?.probabilities_field ?? 'probabilities',
    labelField: declared?.label_field ?? 'label',
    valueField: declared?.value_field ?? 'prediction',
  };
}
