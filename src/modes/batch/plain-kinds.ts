import type { DatasetColumn, ModelMetadata, PlainKind } from '../../core/index.ts';

/**
 * The input columns read only as the model's number, integer or boolean
 * features: a text reader may give their plain cells as values, which the
 * model's codec reads exactly as the text. A kept column goes to the output
 * as it was written, and the online-feature key is looked up by its text,
 * so neither is among them.
 */
export function plainKindsOf(meta: ModelMetadata, kept: readonly DatasetColumn[]): Record<string, PlainKind> | undefined {
  const asText = new Set(kept.map((c) => c.name));
  if (meta.onlineFeatureKey !== undefined) asText.add(meta.onlineFeatureKey);
  const kinds: Record<string, PlainKind> = Object.create(null) as Record<string, PlainKind>;
  let any = false;
  for (const feature of meta.features ?? []) {
    if (asText.has(feature.name) || feature.type === 'category') continue;
    kinds[feature.name] = feature.type;
    any = true;
  }
  return any ? kinds : undefined;
}
