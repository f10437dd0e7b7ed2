/**
 * Raised by the JSON and UBJSON readers. The loader turns it into a
 * MODEL_FILE_CORRUPT error that names the file; the offset lets a user find
 * the damage with a hex or text editor.
 */
export class DocumentSyntaxError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'DocumentSyntaxError';
    this.offset = offset;
  }
}

/**
 * Raised while reading the model structure out of a decoded document. `path`
 * is the JSON path of the value that was wrong (e.g. `learner.objective.name`).
 */
export class ModelFieldError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = 'ModelFieldError';
    this.path = path;
  }
}

/** Raised when the model is well formed but uses something this runtime does not evaluate. */
export class ModelUnsupportedError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = 'ModelUnsupportedError';
    this.path = path;
  }
}

/** Deep documents are only produced by damage; a limit keeps recursion off the stack's edge. */
export const MAX_NESTING = 256;
