import type { InferenceSession } from 'onnxruntime-node';
import { TetraError } from '../../core/errors/index.ts';
import type { RuntimeOptions } from '../../core/model/index.ts';

/** The ONNX runtime's options as `model.yaml` spells them (`runtime_options`). */
export interface OnnxOptions {
  readonly session: InferenceSession.SessionOptions;
  /**
   * Replace ZipMap outputs (seq(map), which onnxruntime-node cannot return)
   * by the float probability tensor they wrap, under the same name.
   */
  readonly stripZipMap: boolean;
  /** onnxruntime's log level during runs; run failures already come back as errors, so silent unless asked. */
  readonly runLogLevel: LogLevel;
}

type LogLevel = 0 | 1 | 2 | 3 | 4;
const FATAL_ONLY: LogLevel = 4;

const OPTIMIZATION = ['disabled', 'basic', 'extended', 'all'] as const;
const EXECUTION = ['sequential', 'parallel'] as const;
const LOG_LEVELS = ['verbose', 'info', 'warning', 'error', 'fatal'] as const;
const MAX_THREADS = 1024;

type Reader = (value: unknown, key: string) => Partial<OnnxOptions['session']> | { stripZipMap: boolean };

const READERS: Record<string, Reader> = {
  intra_op_threads: (v, k) => ({ intraOpNumThreads: threads(v, k) }),
  inter_op_threads: (v, k) => ({ interOpNumThreads: threads(v, k) }),
  graph_optimization: (v, k) => ({ graphOptimizationLevel: oneOf(v, k, OPTIMIZATION) }),
  execution_mode: (v, k) => ({ executionMode: oneOf(v, k, EXECUTION) }),
  log_level: (v, k) => ({ logSeverityLevel: LOG_LEVELS.indexOf(oneOf(v, k, LOG_LEVELS)) as LogLevel }),
  strip_zipmap: (v, k) => ({ stripZipMap: flag(v, k) }),
};

/** Names of the options this runtime understands, for error messages and docs. */
export const ONNX_OPTION_KEYS = Object.keys(READERS);

/**
 * Validates `runtime_options` and maps them to onnxruntime session options.
 * Unknown keys are rejected so a misspelt option does not silently do nothing.
 */
export function parseOnnxOptions(options: RuntimeOptions | undefined): OnnxOptions {
  // onnxruntime logs warnings (e.g. old opsets) straight to stderr; Tetra reports through its own logger.
  let session: InferenceSession.SessionOptions = { logSeverityLevel: 3 };
  let stripZipMap = true;
  for (const [key, value] of Object.entries(options ?? {})) {
    const reader = Object.hasOwn(READERS, key) ? READERS[key] : undefined;
    if (!reader) {
      throw configError(key, `unknown onnx runtime option "${key}" (known: ${ONNX_OPTION_KEYS.join(', ')})`);
    }
    if (value === undefined) continue;
    const parsed = reader(value, key);
    if ('stripZipMap' in parsed) stripZipMap = parsed.stripZipMap;
    else session = { ...session, ...parsed };
  }
  const runLogLevel = options?.log_level === undefined ? FATAL_ONLY : (session.logSeverityLevel ?? FATAL_ONLY);
  return { session, stripZipMap, runLogLevel };
}

function configError(key: string, message: string): TetraError {
  return new TetraError('CONFIG_INVALID', message, { field: key, path: `runtime_options.${key}` });
}

function threads(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_THREADS) {
    throw configError(key, `onnx runtime option "${key}" must be an integer from 0 (onnxruntime's default) to ${MAX_THREADS}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw configError(key, `onnx runtime option "${key}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function flag(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') {
    throw configError(key, `onnx runtime option "${key}" must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}
