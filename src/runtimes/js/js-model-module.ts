import { z } from 'zod';
import { configError, featureSchema } from '../../core/index.ts';

/** The output dtypes a JS model may declare. */
export const JS_OUTPUT_DTYPES = ['float32', 'float64', 'int32', 'int64', 'bool', 'string'] as const;
export type JsOutputDType = (typeof JS_OUTPUT_DTYPES)[number];

/** A record as a JS model's predict() receives it: decoded values, null for missing. */
export type JsInputRecord = Record<string, number | boolean | string | null>;

/** What a JS model's load() receives. */
export interface JsLoadContext {
  /** `runtime_options` from model.yaml. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The folder of the module (for reading side files). */
  readonly directory: string;
  /** Calls another served model with records: for pre- and post-processing around it. */
  readonly infer: (model: string, records: readonly Readonly<Record<string, unknown>>[]) => Promise<Record<string, unknown>[]>;
}

/** What a JS model module exports (named exports, or the same fields on a default export). */
export interface JsModelModule {
  /** The features the model takes, in model.yaml's `inputs` format; else model.yaml must list them. */
  features?: unknown;
  /** Output name -> dtype. Default: one float64 output named `prediction`. */
  outputs?: Record<string, JsOutputDType>;
  /** binary | multiclass | regression | other; the first output holds the score. */
  task?: 'binary' | 'multiclass' | 'regression' | 'other';
  classes?: (string | number)[];
  load?: (context: JsLoadContext) => unknown;
  /** One result per record: a number (single output) or an object with every declared output. */
  predict: (batch: JsInputRecord[], state: unknown) => unknown[] | Promise<unknown[]>;
  unload?: (state: unknown) => unknown;
}

const moduleSchema = z.object({
  features: z.array(featureSchema).optional(),
  outputs: z.record(z.string(), z.enum(JS_OUTPUT_DTYPES)).optional(),
  task: z.enum(['binary', 'multiclass', 'regression', 'other']).optional(),
  classes: z.array(z.union([z.string(), z.number()])).min(2).optional(),
  load: z.function().optional(),
  predict: z.function(),
  unload: z.function().optional(),
});

export type CheckedJsModule = Omit<JsModelModule, 'features'> & { features?: z.output<typeof featureSchema>[] };

/** Checks a module's exports, naming the bad export. */
export function checkJsModule(exports: Record<string, unknown>, file: string): CheckedJsModule {
  const candidate = typeof exports.predict === 'function' ? exports : (exports.default as Record<string, unknown> | undefined) ?? exports;
  const parsed = moduleSchema.safeParse(candidate);
  if (!parsed.success) throw configError(parsed.error, `${file} (JS model exports)`);
  // Data exports as validated (levels as strings, defaults applied); functions as written.
  const { features, outputs, task, classes } = parsed.data;
  return { ...(candidate as unknown as JsModelModule), features, outputs, task, classes };
}
