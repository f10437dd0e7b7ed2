import type { Client } from 'pg';
import { TetraError, type JobManifest } from '../../core/index.ts';
import { sqlState } from './postgres-errors.ts';
import { qualifiedSql, type TableName } from './postgres-url.ts';

/**
 * Job manifests of PostgreSQL outputs live in a table beside the output
 * (same schema, so whoever may write the output may write its manifest),
 * one row per output keyed by `schema.table`. Writing the manifest row in
 * the transaction that writes a chunk's rows is what makes a commit atomic.
 */
export const MANIFEST_TABLE = 'tetra_batch_manifests';

export function manifestTableOf(output: TableName): TableName {
  return { schema: output.schema, table: MANIFEST_TABLE };
}

export async function ensureManifestTable(client: Client, output: TableName): Promise<void> {
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${qualifiedSql(manifestTableOf(output))} (
         output text PRIMARY KEY,
         manifest jsonb NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
  } catch (error) {
    // Two jobs creating it at once: IF NOT EXISTS does not stop the loser's
    // catalog insert from failing (23505 on pg_type, or 42P07). It exists now.
    const state = sqlState(error);
    if (state !== '23505' && state !== '42P07') throw error;
  }
}

/**
 * The stored manifest, or undefined when there is none or no manifest table
 * (nothing was ever committed in this schema). `lock` holds the row until
 * the transaction ends, so two commits to one output cannot interleave.
 */
export async function readManifestRow(client: Client, output: TableName, key: string, lock = false): Promise<JobManifest | undefined> {
  let rows: Array<{ manifest: unknown }>;
  try {
    const result = await client.query<{ manifest: unknown }>(
      `SELECT manifest FROM ${qualifiedSql(manifestTableOf(output))} WHERE output = $1${lock ? ' FOR UPDATE' : ''}`,
      [key],
    );
    rows = result.rows;
  } catch (error) {
    // 42P01: no such table, 3F000: no such schema.
    const state = sqlState(error);
    if (state === '42P01' || state === '3F000') return undefined;
    throw error;
  }
  if (rows.length === 0) return undefined;
  const manifest = rows[0]?.manifest as JobManifest | null;
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== 'tetra-batch-manifest/1') {
    throw new TetraError('OUTPUT_FAILED', `${qualifiedSql(manifestTableOf(output))}: the row for ${key} is not a Tetra job manifest; delete it to start the job over`, { retriable: false });
  }
  return manifest;
}

export async function writeManifestRow(client: Client, output: TableName, key: string, manifest: JobManifest): Promise<void> {
  await client.query(
    `INSERT INTO ${qualifiedSql(manifestTableOf(output))} (output, manifest, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (output) DO UPDATE SET manifest = EXCLUDED.manifest, updated_at = EXCLUDED.updated_at`,
    [key, JSON.stringify(manifest)],
  );
}
