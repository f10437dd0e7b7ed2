import { DatabaseError } from 'pg';
import { TetraError, type TetraErrorOptions } from '../../core/index.ts';

/** Socket failures: the server could not be reached or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** What the driver throws, without SQLSTATE, when the connection drops or never comes up. */
const CONNECTION_MESSAGES = /connection terminated|connection timeout|timeout expired|connection error|not queryable|client was closed|client has already been connected/i;

interface Availability {
  readonly unavailable: boolean;
  readonly retriable: boolean;
}

/**
 * Whether a failure is about reaching the server rather than about the
 * statement. Connection exceptions (08), shutdowns (57P0x) and resource
 * limits (53: too many connections) pass with time; a bad password (28) or
 * a missing database (3D000) do not.
 */
function availabilityOf(error: unknown): Availability {
  if (error instanceof DatabaseError) {
    const state = error.code ?? '';
    if (state.startsWith('08') || /^57P0[123]$/.test(state) || state.startsWith('53')) return { unavailable: true, retriable: true };
    if (state.startsWith('28') || state === '3D000') return { unavailable: true, retriable: false };
    return { unavailable: false, retriable: false };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { unavailable: true, retriable: true };
  if (error instanceof Error && CONNECTION_MESSAGES.test(error.message)) return { unavailable: true, retriable: true };
  return { unavailable: false, retriable: false };
}

/** The server's message with its detail and hint, which often name the offending value or fix. */
export function serverMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const base = error.message || (typeof code === 'string' ? code : error.name);
  if (!(error instanceof DatabaseError)) return base;
  return [base, error.detail && `(${error.detail})`, error.hint && `hint: ${error.hint}`].filter(Boolean).join(' ');
}

export function unavailable(where: string, error: unknown): TetraError {
  const { retriable } = availabilityOf(error);
  return new TetraError('DATA_STORE_UNAVAILABLE', `PostgreSQL at ${where}: ${serverMessage(error)}`, { cause: error, retriable: retriable || !(error instanceof DatabaseError) });
}

/**
 * Any failure of a statement as a TetraError: the connection's as
 * DATA_STORE_UNAVAILABLE (naming host:port/database), the statement's as
 * `code` naming `subject` (the table or query) with the server's message.
 */
export function postgresError(
  error: unknown,
  where: string,
  subject: string,
  code: 'INPUT_UNREADABLE' | 'OUTPUT_FAILED',
  location: Omit<TetraErrorOptions, 'cause'> = {},
): TetraError {
  if (TetraError.is(error)) return error;
  if (availabilityOf(error).unavailable) return unavailable(where, error);
  return new TetraError(code, `${subject}: ${serverMessage(error)}`, { retriable: false, ...location, cause: error });
}

/** The SQLSTATE of a server error, or undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof DatabaseError ? error.code : undefined;
}

export function cancelled(subject: string): TetraError {
  return new TetraError('CANCELLED', `${subject}: cancelled`);
}
