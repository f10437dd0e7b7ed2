import { TetraError } from '../../core/index.ts';
import { DocumentSyntaxError, ModelFieldError, ModelUnsupportedError } from './document-error.ts';
import { type ParsedModel, parseModel } from './model-parser.ts';
import { parseJson } from './tolerant-json.ts';
import { readUbjson } from './ubjson-reader.ts';

/**
 * Decodes model bytes (JSON or UBJSON) into a ParsedModel. Every failure
 * becomes a TetraError naming the file: MODEL_FILE_CORRUPT with the byte
 * offset or JSON path that was wrong, or MODEL_UNSUPPORTED naming what is
 * not supported.
 */
export function decodeModel(bytes: Uint8Array, file: string): ParsedModel {
  try {
    const ubj = isUbjson(bytes, file);
    const doc = ubj ? readUbjson(bytes) : parseJson(new TextDecoder().decode(bytes));
    return parseModel(doc);
  } catch (error) {
    throw asLoadError(error, file);
  }
}

/** By extension; otherwise by the byte after the opening brace (a key-length marker in UBJSON, a quote in JSON). */
function isUbjson(bytes: Uint8Array, file: string): boolean {
  const lower = file.toLowerCase();
  if (lower.endsWith('.ubj') || lower.endsWith('.ubjson')) return true;
  if (lower.endsWith('.json')) return false;
  return bytes[0] === 0x7b && bytes.length > 1 && 'iUIlL$#'.includes(String.fromCharCode(bytes[1] as number));
}

function asLoadError(error: unknown, file: string): TetraError {
  if (TetraError.is(error)) return error;
  if (error instanceof DocumentSyntaxError) {
    return new TetraError('MODEL_FILE_CORRUPT', `${file}: ${error.message}`, { file, offset: error.offset, cause: error });
  }
  if (error instanceof ModelUnsupportedError) {
    return new TetraError('MODEL_UNSUPPORTED', `${file}: ${error.message} (at ${error.path})`, { file, path: error.path, cause: error });
  }
  if (error instanceof ModelFieldError) {
    return new TetraError('MODEL_FILE_CORRUPT', `${file}: ${error.path}: ${error.message}`, { file, path: error.path, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TetraError('MODEL_FILE_CORRUPT', `${file}: could not be read as an XGBoost model: ${message}`, { file, cause: error });
}
