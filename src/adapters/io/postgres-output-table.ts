import type { Client } from 'pg';
import { TetraError, type OutputColumn } from '../../core/index.ts';
import { acceptsValues, sqlTypeFor } from './postgres-types.ts';
import { qualifiedSql, quoteIdentifier, type TableName } from './postgres-url.ts';

/** A column of an existing output table, as far as writing into it is concerned. */
interface ExistingColumn {
  readonly name: string;
  /** As declared, for messages: `character varying(20)`. */
  readonly declared: string;
  /** The type's name and category with domains looked through. */
  readonly base: string;
  readonly category: string;
  /** True when a row may leave it out (nullable, a default, or identity). */
  readonly optional: boolean;
  readonly generated: boolean;
}

/** Ordinary and partitioned tables: what COPY FROM can write into. */
const WRITABLE_KINDS = new Set(['r', 'p']);

/** The table's columns, or undefined when there is no such table. */
export async function existingColumns(client: Client, table: TableName, subject: string): Promise<ExistingColumn[] | undefined> {
  const relation = await client.query<{ relkind: string }>('SELECT relkind FROM pg_class WHERE oid = to_regclass($1)', [qualifiedSql(table)]);
  const kind = relation.rows[0]?.relkind;
  if (kind === undefined) return undefined;
  if (!WRITABLE_KINDS.has(kind)) throw new TetraError('OUTPUT_FAILED', `${subject} exists but is not a table (pg_class.relkind '${kind}'); name a table`, { retriable: false });
  const result = await client.query<ExistingColumn>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS declared, bt.typname AS base, t.typcategory AS category,
            (NOT a.attnotnull OR a.atthasdef OR a.attidentity <> '') AS optional, a.attgenerated <> '' AS generated
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [qualifiedSql(table)],
  );
  return result.rows;
}

export async function createTable(client: Client, table: TableName, columns: readonly OutputColumn[]): Promise<void> {
  const definitions = columns.map((c) => `${quoteIdentifier(c.name)} ${sqlTypeFor(c.type)}`).join(', ');
  await client.query(`CREATE TABLE IF NOT EXISTS ${qualifiedSql(table)} (${definitions})`);
}

/**
 * Checks an existing table can take the output's rows: every output column
 * is there with a type that holds its values exactly, and every column
 * Tetra does not write may be left out of a row. Fails naming the column.
 */
export function checkCompatible(existing: readonly ExistingColumn[], columns: readonly OutputColumn[], subject: string): void {
  const byName = new Map(existing.map((c) => [c.name, c]));
  const fail = (field: string, message: string): TetraError =>
    new TetraError('OUTPUT_FAILED', `${subject}: ${message}; write to a new table, or alter this one to match`, { field, retriable: false });
  for (const column of columns) {
    const found = byName.get(column.name);
    if (!found) throw fail(column.name, `has no column "${column.name}" for the output's ${column.type} values (it has ${existing.map((c) => `"${c.name}"`).join(', ') || 'no columns'})`);
    if (found.generated) throw fail(column.name, `column "${column.name}" is generated, so rows cannot be written into it`);
    if (!acceptsValues(column.type, found.base, found.category)) {
      throw fail(column.name, `column "${column.name}" is ${found.declared}, which cannot hold the output's ${column.type} values exactly (Tetra creates it as ${sqlTypeFor(column.type)})`);
    }
  }
  const written = new Set(columns.map((c) => c.name));
  const required = existing.find((c) => !written.has(c.name) && !c.optional && !c.generated);
  if (required) throw fail(required.name, `column "${required.name}" is NOT NULL without a default, and the output has no such column`);
}

/** Whether the table holds any row (cheap: stops at the first). */
export async function hasRows(client: Client, table: TableName): Promise<boolean> {
  const result = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${qualifiedSql(table)}) AS any`);
  return result.rows[0]?.any === true;
}

export async function countRows(client: Client, table: TableName): Promise<number> {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualifiedSql(table)}`);
  return Number(result.rows[0]?.n ?? 0);
}
