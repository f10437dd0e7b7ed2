import { Client } from 'pg';
import { unavailable } from './postgres-errors.ts';
import type { PostgresLocation } from './postgres-url.ts';

export interface PostgresConnectionOptions {
  /** How long to wait for the server to accept a connection (default 10 s). */
  readonly connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * A connected client, or DATA_STORE_UNAVAILABLE naming host:port/database.
 * Errors the client emits while idle are swallowed here because the next
 * statement on it fails with them anyway, and an unhandled 'error' event
 * would end the process.
 */
export async function connectClient(location: PostgresLocation, options: PostgresConnectionOptions = {}): Promise<Client> {
  const client = new Client({
    connectionString: location.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await endClient(client);
    throw unavailable(location.where, error);
  }
  return client;
}

/** Ends a client whatever state it is in; a failure to say goodbye is not an error. */
export async function endClient(client: Client): Promise<void> {
  await client.end().catch(() => undefined);
}

/**
 * Stops `client`'s work when `signal` aborts: ends it, which fails the
 * statement in flight at once, and asks the server (over a second, brief
 * connection) to cancel that statement, which would otherwise run on (a
 * count or a sort over a large table) until it next wrote to the closed
 * socket. Returns the function that stops listening.
 */
export function endOnAbort(client: Client, signal: AbortSignal | undefined, location: PostgresLocation): () => void {
  if (!signal) return () => undefined;
  const onAbort = (): void => {
    void endClient(client);
    void cancelBackend(client, location);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

const CANCEL_CONNECT_TIMEOUT_MS = 2000;

async function cancelBackend(client: Client, location: PostgresLocation): Promise<void> {
  // The server process id from the connection's BackendKeyData; the driver keeps it but does not type it.
  const pid = (client as unknown as { processID?: number | null }).processID;
  if (typeof pid !== 'number') return;
  try {
    const canceller = await connectClient(location, { connectTimeoutMs: CANCEL_CONNECT_TIMEOUT_MS });
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    await endClient(canceller);
  } catch {
    // Best effort: the statement still ends when the server next writes to the closed connection.
  }
}
