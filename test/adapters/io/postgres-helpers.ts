import { after } from 'node:test';
import { Client } from 'pg';
import { TetraError, type ErrorCode } from '../../../src/core/index.ts';
import { SERVICES } from '../../helpers/services.ts';

export const PG_BASE_URL = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/test`;

let admin: Promise<Client> | undefined;
let schemas = 0;

// Registered when the test file loads, so it runs once after all its tests.
after(async () => {
  const client = await admin?.catch(() => undefined);
  await client?.end();
});

/** A connection for setting up and checking tables, ended when the test file finishes. */
export function adminClient(): Promise<Client> {
  admin ??= (async () => {
    const client = new Client({ connectionString: PG_BASE_URL });
    await client.connect();
    return client;
  })();
  return admin;
}

export async function sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> {
  const result = await (await adminClient()).query<T>(text, values);
  return result.rows;
}

/**
 * A schema of its own for one test (named by process and time, so reruns and
 * concurrent runs never meet), dropped with everything in it after the test.
 */
export async function testSchema(label: string): Promise<string> {
  const schema = `tetra_${label}_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
  await sql(`CREATE SCHEMA ${schema}`);
  after(() => sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined));
  return schema;
}

/** The test database's URL with Tetra's parameters. */
export function pgUrl(params: Record<string, string>): string {
  return `${PG_BASE_URL}?${new URLSearchParams(params).toString()}`;
}

export const isError = (code: ErrorCode, check: (e: TetraError) => boolean = () => true) => (e: unknown): boolean => {
  if (!TetraError.is(e)) throw e;
  if (e.code !== code || !check(e)) throw new Error(`unexpected ${e.code}: ${e.message}`);
  return true;
};
