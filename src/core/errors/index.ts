export { ERROR_CODES, httpStatusOf, type ErrorCode } from './codes.ts';
export { TetraError, asTetraError, type ErrorLocation, type TetraErrorOptions } from './tetra-error.ts';
