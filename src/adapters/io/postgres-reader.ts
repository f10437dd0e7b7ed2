import type { Client, FieldDef } from 'pg';
import Cursor from 'pg-cursor';
import { TetraError, type DatasetColumn, type DatasetReader, type DatasetSize, type InputRecord, type ReadOptions, type RowChunk } from '../../core/index.ts';
import { connectClient, endClient, endOnAbort, type PostgresConnectionOptions } from './postgres-client.ts';
import { cancelled, postgresError } from './postgres-errors.ts';
import { READ_TYPES, columnTypeOf, needsCategory } from './postgres-types.ts';
import { displayTableName, parsePostgresUrl, qualifiedSql, quoteIdentifier, trimQuery, type PostgresLocation } from './postgres-url.ts';

export interface PostgresReaderOptions extends PostgresConnectionOptions {
  /**
   * `postgres://user[:password]@host[:port]/database?table=schema.name` or
   * `...?query=SELECT...` (URL-encoded), optionally with `&order_by=a,b`.
   */
  readonly url: string;
  /** A query given apart from the URL (a CLI flag); replaces the URL's table or query. */
  readonly query?: string;
  /** Columns that order the rows uniquely; replaces the URL's `order_by` and the primary key. */
  readonly orderBy?: readonly string[];
}

/** The statement that yields the rows, in their one order, and what it returns. */
interface ReadPlan {
  readonly sql: string;
  readonly columns: readonly DatasetColumn[];
}

/** How much of a query a message quotes. */
const QUOTED_QUERY_CHARS = 80;

/**
 * A PostgreSQL table or query read through a server-side cursor, `chunkRows`
 * rows per fetch, inside a REPEATABLE READ READ ONLY transaction so one read
 * sees one snapshot.
 *
 * A resumed job must read the same rows in the same order, so a table is
 * read ORDER BY `order_by` if given, else its primary key, and a table with
 * neither is refused (ordering by every column would sort the whole table
 * and fails on types without ordering, such as json). A query is read in
 * the order it sets: it should ORDER BY a unique key (or be given
 * `order_by`, applied around it). Skipped rows (`startRow`) are an OFFSET on
 * the server, never sent.
 */
export class PostgresReader implements DatasetReader {
  readonly name: string;
  /** A table or query names every column. */
  readonly columnsSampled = false;
  private readonly location: PostgresLocation;
  private readonly orderBy: readonly string[] | undefined;
  private readonly connection: PostgresConnectionOptions;
  private readonly clients = new Set<Client>();
  private plan: Promise<ReadPlan> | undefined;
  private position = 0;
  private closed = false;

  constructor(options: PostgresReaderOptions) {
    const location = parsePostgresUrl(options.url, (message) => new TetraError('INPUT_MALFORMED', `postgres input: ${message}`));
    this.location = options.query !== undefined ? { ...location, query: trimQuery(options.query), table: undefined } : location;
    if (this.location.table === undefined && this.location.query === undefined) {
      throw new TetraError('INPUT_MALFORMED', `postgres input ${location.where}: the URL names no table (?table=schema.name) and no query (?query=SELECT...)`);
    }
    if (this.location.table !== undefined && this.location.query !== undefined) {
      throw new TetraError('INPUT_MALFORMED', `postgres input ${location.where}: give either table= or query=, not both`);
    }
    this.orderBy = options.orderBy ?? location.orderBy;
    this.connection = options;
    const { table, query = '' } = this.location;
    this.name = table ? `postgres table ${displayTableName(table)}` : `postgres query "${query.length > QUOTED_QUERY_CHARS ? `${query.slice(0, QUOTED_QUERY_CHARS)}...` : query}"`;
  }

  /** Rows read so far, counting skipped ones: where the last read stands in the input. */
  get consumedBytes(): number {
    return this.position;
  }

  async columns(): Promise<readonly DatasetColumn[]> {
    return (await this.readPlan()).columns;
  }

  /** Counting means scanning, so size() leaves it to countRows(). */
  async size(): Promise<DatasetSize> {
    return {};
  }

  async countRows(signal?: AbortSignal): Promise<number> {
    return this.withClient(signal, async (client) => {
      const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM (${this.baseSql()}) AS tetra_count`);
      return Number(result.rows[0]?.n ?? 0);
    });
  }

  async *read(options: ReadOptions): AsyncIterable<RowChunk> {
    const { startRow = 0, chunkRows, signal } = options;
    if (!Number.isSafeInteger(chunkRows) || chunkRows < 1) throw new TetraError('INTERNAL', `${this.name}: chunkRows must be a positive integer, not ${chunkRows}`);
    if (!Number.isSafeInteger(startRow) || startRow < 0) throw new TetraError('INTERNAL', `${this.name}: startRow must be a non-negative integer, not ${startRow}`);
    const plan = await this.readPlan();
    const names = plan.columns.map((c) => c.name);
    yield* this.withClientStream(signal, (client) => this.chunks(client, plan.sql, names, startRow, chunkRows, signal));
  }

  /** The rows from `startRow` in one REPEATABLE READ snapshot, through a server-side cursor. */
  private async *chunks(client: Client, sql: string, names: readonly string[], startRow: number, chunkRows: number, signal?: AbortSignal): AsyncGenerator<RowChunk> {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const cursor = client.query(new Cursor(`${sql} OFFSET $1`, [startRow], { rowMode: 'array', types: READ_TYPES }));
    let firstRow = startRow;
    this.position = startRow;
    // The first chunk ends where an uninterrupted read would have cut one.
    let want = chunkRows - (startRow % chunkRows);
    for (;;) {
      if (signal?.aborted) throw cancelled(this.name);
      const rows = (await cursor.read(want)) as unknown[][];
      if (rows.length === 0) break;
      const records = rows.map((row) => this.toRecord(names, row, firstRow));
      yield { records, firstRow, source: this.name };
      firstRow += rows.length;
      this.position = firstRow;
      if (rows.length < want) break;
      want = chunkRows;
    }
    await cursor.close();
    await client.query('COMMIT');
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.clients].map((client) => this.release(client)));
  }

  private toRecord(names: readonly string[], row: readonly unknown[], rowIndex: number): InputRecord {
    // A table altered between columns() and read() would shift every value into the wrong name.
    if (row.length !== names.length) throw new TetraError('INPUT_UNREADABLE', `${this.name}: row ${rowIndex} has ${row.length} columns, but ${names.length} were announced; did the table change?`, { row: rowIndex });
    return Object.fromEntries(names.map((name, i) => [name, row[i] ?? null]));
  }

  private readPlan(): Promise<ReadPlan> {
    this.plan ??= this.makePlan();
    // A failed plan (server down) is not remembered: the next call tries again.
    this.plan.catch(() => (this.plan = undefined));
    return this.plan;
  }

  private async makePlan(): Promise<ReadPlan> {
    return this.withClient(undefined, async (client) => {
      const order = this.orderBy ?? (await this.primaryKey(client));
      const base = this.baseSql();
      const sql = order.length > 0 ? `${base} ORDER BY ${order.map(quoteIdentifier).join(', ')}` : base;
      // Planning the ordered statement checks the order_by columns exist before any row is read.
      const result = await client.query({ text: `${sql} LIMIT 0`, rowMode: 'array' });
      return { sql, columns: await this.describe(client, result.fields) };
    });
  }

  /** The table's primary key columns in key order; a table without one needs `order_by`. */
  private async primaryKey(client: Client): Promise<readonly string[]> {
    const { table } = this.location;
    if (!table) return [];
    const result = await client.query<{ attname: string }>(
      `SELECT a.attname FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
       WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.ord`,
      [qualifiedSql(table)],
    );
    if (result.rows.length === 0) {
      throw new TetraError('INPUT_UNREADABLE', `${this.name} has no primary key, so its rows have no fixed order and a resumed job could read them differently; add order_by=col1,col2 to the URL naming columns that identify a row`);
    }
    return result.rows.map((r) => r.attname);
  }

  private async describe(client: Client, fields: readonly FieldDef[]): Promise<DatasetColumn[]> {
    const seen = new Set<string>();
    for (const { name } of fields) {
      if (seen.has(name)) throw new TetraError('INPUT_UNREADABLE', `${this.name} returns two columns named "${name}"; give them distinct names (AS ...)`, { field: name });
      seen.add(name);
    }
    const unknown = [...new Set(fields.map((f) => f.dataTypeID).filter(needsCategory))];
    const categories = new Map<number, string>();
    if (unknown.length > 0) {
      const result = await client.query<{ oid: number; typcategory: string }>('SELECT oid::int AS oid, typcategory FROM pg_type WHERE oid = ANY($1::oid[])', [unknown]);
      for (const row of result.rows) categories.set(row.oid, row.typcategory);
    }
    return fields.map((f) => ({ name: f.name, type: columnTypeOf(f.dataTypeID, categories.get(f.dataTypeID)) }));
  }

  private baseSql(): string {
    const { table, query } = this.location;
    return table ? `SELECT * FROM ${qualifiedSql(table)}` : `SELECT * FROM (\n${query}\n) AS tetra_input`;
  }

  private async withClient<T>(signal: AbortSignal | undefined, run: (client: Client) => Promise<T>): Promise<T> {
    let result: T | undefined;
    for await (const value of this.withClientStream(signal, async function* (client) {
      yield await run(client);
    })) result = value;
    return result as T;
  }

  /**
   * Runs `stream` on a connection of its own: a cancel ends the connection
   * (stopping a running query), errors become Tetra's, and the connection is
   * released however the stream ends, also when its reader stops early.
   */
  private async *withClientStream<T>(signal: AbortSignal | undefined, stream: (client: Client) => AsyncGenerator<T>): AsyncGenerator<T> {
    const client = await this.connect();
    const stopListening = endOnAbort(client, signal, this.location);
    try {
      yield* stream(client);
    } catch (error) {
      if (signal?.aborted) throw cancelled(this.name);
      throw this.failure(error);
    } finally {
      stopListening();
      await this.release(client);
    }
  }

  private async connect(): Promise<Client> {
    if (this.closed) throw new TetraError('INTERNAL', `${this.name}: the reader is closed`);
    const client = await connectClient(this.location, this.connection);
    this.clients.add(client);
    return client;
  }

  private async release(client: Client): Promise<void> {
    if (!this.clients.delete(client)) return;
    await endClient(client);
  }

  private failure(error: unknown): TetraError {
    return postgresError(error, this.location.where, this.name, 'INPUT_UNREADABLE');
  }
}
