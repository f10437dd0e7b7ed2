import { ERROR_CODES, type ErrorCode } from './codes.ts';

/** Where in the input or configuration an error was found. */
export interface ErrorLocation {
  /** Feature, field or tensor name. */
  field?: string;
  /** Zero-based row index within the batch or dataset. */
  row?: number;
  /** Byte or character offset within a file or body. */
  offset?: number;
  /** Line number (1-based) within a text file. */
  line?: number;
  /** Dotted configuration path, e.g. `inputs[3].type`. */
  path?: string;
  /** The file concerned. */
  file?: string;
  /** The model name (and version) concerned. */
  model?: string;
}

export interface TetraErrorOptions extends ErrorLocation {
  cause?: unknown;
  /** Overrides the code's default. */
  retriable?: boolean;
}

const BRAND = Symbol.for('tetra.error');

/**
 * The one error type Tetra throws. `code` is stable and machine-readable;
 * the message says what was wrong and where.
 */
export class TetraError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly where: ErrorLocation;

  constructor(code: ErrorCode, message: string, options: TetraErrorOptions = {}) {
    const { cause, retriable, ...where } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TetraError';
    this.code = code;
    this.retriable = retriable ?? ERROR_CODES[code].retriable;
    this.where = where;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for any TetraError, even one made by another copy of the package. */
  static is(value: unknown): value is TetraError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A plain object for logs, job results and HTTP bodies. */
  toJSON(): { code: ErrorCode; message: string; retriable: boolean } & ErrorLocation {
    return { code: this.code, message: this.message, retriable: this.retriable, ...this.where };
  }
}

/** Wraps anything thrown into a TetraError, keeping TetraErrors as they are. */
export function asTetraError(error: unknown, code: ErrorCode = 'INTERNAL'): TetraError {
  if (TetraError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TetraError(code, message, { cause: error });
}
