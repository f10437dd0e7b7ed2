import { after } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { DatasetReader, InputRecord, JobManifest, OutputColumn, RowChunk } from '../../../src/core/index.ts';

let opened: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;

// Registered when the test file imports this module, so it runs after the file's last test, not the first one's.
after(async () => {
  if (!opened) return;
  const { instance, connection } = await opened;
  connection.closeSync();
  instance.closeSync();
});

/** One in-process DuckDB per test file: the independent Parquet reader and writer the tests compare against. */
export async function duckdb(): Promise<DuckDBConnection> {
  opened ??= (async () => {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return { instance, connection: await instance.connect() };
  })();
  return (await opened).connection;
}

/** Rows as plain JS values (BIGINT as bigint) and the column types DuckDB sees. */
export async function query(sql: string): Promise<{ rows: Record<string, unknown>[]; types: Record<string, string> }> {
  const reader = await (await duckdb()).runAndReadAll(sql);
  const names = reader.columnNames();
  const types = Object.fromEntries(names.map((name, i) => [name, String(reader.columnTypes()[i])]));
  return { rows: reader.getRowObjectsJS() as Record<string, unknown>[], types };
}

export async function run(sql: string): Promise<void> {
  await (await duckdb()).run(sql);
}

export function sqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

export function manifestFor(columns: readonly OutputColumn[], chunks: number, rows: number): JobManifest {
  return {
    format: 'tetra-batch-manifest/1',
    fingerprint: 'test',
    columns,
    rowsIn: rows,
    rowsOut: rows,
    rejected: 0,
    chunks,
    rejectsBytes: 0,
    finished: false,
    startedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

export async function readAll(reader: DatasetReader, chunkRows: number, startRow?: number): Promise<RowChunk[]> {
  const chunks: RowChunk[] = [];
  for await (const chunk of reader.read({ chunkRows, startRow })) chunks.push(chunk);
  return chunks;
}

/** Records as plain objects, so deepEqual compares values and not prototypes. */
export function plain(records: readonly InputRecord[]): Record<string, unknown>[] {
  return records.map((r) => ({ ...r }));
}
