/**
 * Every error code Tetra can raise, in one table. Codes are stable: a code is
 * never renamed or reused once released. `status` is the HTTP status the
 * online mode answers with; other modes record the code itself.
 */
export const ERROR_CODES = {
  // The caller sent something Tetra cannot use.
  INPUT_MALFORMED: { status: 400, retriable: false, summary: 'the input could not be parsed' },
  INPUT_MISSING_FEATURE: { status: 400, retriable: false, summary: 'a required feature is missing' },
  INPUT_WRONG_TYPE: { status: 400, retriable: false, summary: 'a value has the wrong type' },
  INPUT_UNKNOWN_CATEGORY: { status: 400, retriable: false, summary: 'a category value is not one of the known levels' },
  INPUT_NOT_FINITE: { status: 400, retriable: false, summary: 'NaN or Infinity where a finite number is required' },
  INPUT_TENSOR_MISSING: { status: 400, retriable: false, summary: 'a required input tensor is missing' },
  INPUT_TENSOR_UNKNOWN: { status: 400, retriable: false, summary: 'an input tensor the model does not have' },
  INPUT_TENSOR_SHAPE: { status: 400, retriable: false, summary: 'a tensor has the wrong shape' },
  INPUT_TENSOR_DTYPE: { status: 400, retriable: false, summary: 'a tensor has the wrong datatype' },
  INPUT_OUTPUT_UNKNOWN: { status: 400, retriable: false, summary: 'a requested output the model does not have' },
  INPUT_TOO_LARGE: { status: 413, retriable: false, summary: 'the input is larger than allowed' },

  // What was asked for does not exist.
  MODEL_NOT_FOUND: { status: 404, retriable: false, summary: 'no model with that name' },
  MODEL_VERSION_NOT_FOUND: { status: 404, retriable: false, summary: 'the model has no such version' },
  ROUTE_NOT_FOUND: { status: 404, retriable: false, summary: 'no HTTP route with that method and path' },

  // Access.
  UNAUTHORIZED: { status: 401, retriable: false, summary: 'an API key is required, or the one given is not valid' },

  // Model files and configuration.
  MODEL_FILE_UNREADABLE: { status: 500, retriable: false, summary: 'the model file could not be read' },
  MODEL_FILE_CORRUPT: { status: 500, retriable: false, summary: 'the model file is corrupt or truncated' },
  MODEL_FORMAT_UNKNOWN: { status: 500, retriable: false, summary: 'the model format could not be recognised' },
  MODEL_UNSUPPORTED: { status: 500, retriable: false, summary: 'the model uses a feature Tetra does not support' },
  CONFIG_INVALID: { status: 500, retriable: false, summary: 'a configuration file is invalid' },

  // Capacity and time.
  MODEL_NOT_READY: { status: 503, retriable: true, summary: 'the model is not loaded yet' },
  OVERLOADED: { status: 503, retriable: true, summary: 'the queue for this model is full' },
  DEADLINE_EXCEEDED: { status: 504, retriable: true, summary: 'the request deadline passed before it ran' },
  SHUTTING_DOWN: { status: 503, retriable: true, summary: 'Tetra is stopping and takes no new work' },
  CANCELLED: { status: 499, retriable: true, summary: 'the caller cancelled the request' },
  FEATURE_STORE_UNAVAILABLE: { status: 503, retriable: true, summary: 'the online feature store did not answer in time or could not be reached' },
  FEATURE_STORE_BAD_DATA: { status: 500, retriable: false, summary: 'the online feature store holds a value the model cannot use (wrong type, unknown category, a key that is not a hash)' },
  DATA_STORE_UNAVAILABLE: { status: 503, retriable: true, summary: 'a database or data source could not be reached' },

  // Datasets and jobs (batch mode).
  INPUT_UNREADABLE: { status: 400, retriable: false, summary: 'an input file or table could not be opened or read' },
  OUTPUT_FAILED: { status: 500, retriable: true, summary: 'the output could not be written' },
  JOB_MISMATCH: { status: 409, retriable: false, summary: 'an unfinished job at this output was started with different arguments' },
  JOB_LOCKED: { status: 409, retriable: true, summary: 'another job is writing to this output' },
  JOB_TOO_MANY_REJECTS: { status: 422, retriable: false, summary: 'more input rows were rejected than the job allows' },

  // Tetra or the model failed.
  MODEL_RUN_FAILED: { status: 500, retriable: false, summary: 'the model failed while computing' },
  INTERNAL: { status: 500, retriable: false, summary: 'an internal error' },
} as const satisfies Record<string, { status: number; retriable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status for an error code (400 bad input, 404 unknown, 413, 503 overloaded, 500). */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
