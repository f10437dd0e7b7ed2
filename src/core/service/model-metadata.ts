import type { FeatureSpec } from '../codec/feature-spec.ts';
import type { ModelDescription } from '../model/model-description.ts';
import type { TensorSpec } from '../model/signature.ts';
import type { ServedModel } from '../repository/served-model.ts';

/** A model as `tetra models inspect` and the metadata endpoints show it. */
export interface ModelMetadata {
  readonly name: string;
  readonly version: string;
  readonly versions: readonly string[];
  readonly runtime: string;
  readonly artifact: string;
  readonly description?: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly task: ModelDescription['task'];
  readonly objective?: string;
  readonly classes?: readonly (string | number)[];
  /** The record fields the model takes, in matrix order (absent for tensor-only models). */
  readonly features?: readonly FeatureMetadata[];
  /**
   * Every record field a call reads: the features and, for a model with
   * online features, the entity key they are looked up by. A reader may
   * leave other columns out of the records it makes for this model.
   */
  readonly recordFields?: readonly string[];
  /** The record field a model with online features looks them up by (an entity id such as `card_id`). */
  readonly onlineFeatureKey?: string;
}

export interface FeatureMetadata {
  readonly name: string;
  readonly type: FeatureSpec['kind'];
  readonly required: boolean;
  readonly levels?: readonly string[];
}

export function describeServedModel(served: ServedModel, versions: readonly string[]): ModelMetadata {
  const d = served.model.description;
  const features = served.schema.encoder?.features.map((f) => ({
    name: f.name, type: f.kind, required: f.required, ...(f.levels ? { levels: f.levels } : {}),
  }));
  return {
    name: served.name,
    version: served.version,
    versions,
    runtime: served.runtime,
    artifact: served.artifact,
    description: served.config?.description,
    inputs: served.model.signature.inputs,
    outputs: served.model.signature.outputs,
    task: served.schema.outputs.task,
    objective: d.objective,
    classes: served.schema.outputs.classes,
    features,
    ...(features ? { recordFields: recordFields(served) } : {}),
    ...(served.enricher ? { onlineFeatureKey: served.enricher.spec.keyField } : {}),
  };
}

function recordFields(served: ServedModel): string[] {
  const names = new Set((served.schema.encoder?.features ?? []).map((f) => f.name));
  if (served.enricher) names.add(served.enricher.spec.keyField);
  return [...names];
}
