import type { Client } from 'pg';
import { TetraError, type DatasetWriter, type JobManifest, type OutputChunk, type OutputColumn } from '../../core/index.ts';
import { connectClient, endClient, type PostgresConnectionOptions } from './postgres-client.ts';
import { CopyValueError, copyErrorLocation, copyInto, encodeCopyText } from './postgres-copy.ts';
import { postgresError } from './postgres-errors.ts';
import { MANIFEST_TABLE, ensureManifestTable, readManifestRow, writeManifestRow } from './postgres-manifest.ts';
import { checkCompatible, countRows, createTable, existingColumns, hasRows } from './postgres-output-table.ts';
import { displayTableName, parsePostgresUrl, qualifiedSql, type PostgresLocation, type TableName } from './postgres-url.ts';

/**
 * What a job starting from scratch does with rows already in its table:
 * 'fail' (unless they are exactly an unfinished earlier run's, which are
 * discarded), 'append' after them (an unfinished earlier run's rows stay
 * too: resume it instead), or 'replace' them.
 */
export type IfExists = 'fail' | 'append' | 'replace';

export interface PostgresWriterOptions extends PostgresConnectionOptions {
  /** `postgres://user[:password]@host[:port]/database?table=schema.name` (no schema: `public`). */
  readonly url: string;
  /** Default 'fail'. Only a fresh start looks at it: a resumed job continues whatever it chose. */
  readonly ifExists?: IfExists;
}

/** The writer's state inside the manifest. */
interface WriterState {
  /** Rows this job has committed to the table. */
  readonly rows: number;
  /** The table was empty (or emptied by 'replace') when the job began: then it holds this job's rows only. */
  readonly startedEmpty: boolean;
  /** A forced start replaced this job: its rows are leftovers, never a job to resume or call done. */
  readonly discarded?: true;
}

/**
 * Writes a job's output rows into a PostgreSQL table. Each commit is one
 * transaction holding the chunk's rows (COPY FROM STDIN) and the job
 * manifest's row in `schema.tetra_batch_manifests`, so a job killed at any
 * moment leaves both or neither, and resumes after its last commit.
 *
 * Emptying the table ('replace', or discarding the rows of an earlier
 * unfinished run) is done in the first commit's transaction, never at open:
 * a job killed before that commit leaves the table as it was, and simply
 * starts again. A forced start marks the earlier manifest discarded first,
 * so that rerun starts over too instead of finding the earlier job done.
 *
 * Rows are visible to readers as they commit; the manifest's `finished`
 * says when the output is complete. One writer per output: open() takes a
 * session advisory lock that the server drops with the connection (also
 * when the process is killed). After a commit fails with
 * DATA_STORE_UNAVAILABLE its outcome is unknown: restart the job and
 * resume from readManifest().
 */
export class PostgresWriter implements DatasetWriter {
  readonly name: string;
  readonly resumable = true;
  private readonly location: PostgresLocation;
  private readonly table: TableName;
  /** The output's key in the manifest table and its advisory lock. */
  private readonly key: string;
  private readonly ifExists: IfExists;
  private readonly connection: PostgresConnectionOptions;
  private client: Promise<Client> | undefined;
  private columns: readonly OutputColumn[] | undefined;
  private state: WriterState = { rows: 0, startedEmpty: true };
  private truncatePending = false;

  constructor(options: PostgresWriterOptions) {
    const fail = (message: string): TetraError => new TetraError('OUTPUT_FAILED', `postgres output: ${message}`, { retriable: false });
    this.location = parsePostgresUrl(options.url, fail);
    if (!this.location.table) throw fail(`${this.location.where}: the URL names no table (?table=schema.name)`);
    if (this.location.query !== undefined || this.location.orderBy !== undefined) throw fail(`${this.location.where}: an output takes table= only`);
    this.table = this.location.table;
    if (this.table.table === MANIFEST_TABLE) throw fail(`${MANIFEST_TABLE} holds job manifests; name another table`);
    this.key = displayTableName(this.table);
    this.name = `postgres table ${this.key}`;
    this.ifExists = options.ifExists ?? 'fail';
    if (!['fail', 'append', 'replace'].includes(this.ifExists)) throw fail(`ifExists must be 'fail', 'append' or 'replace', not ${JSON.stringify(this.ifExists)}`);
    this.connection = options;
  }

  /** Takes the output's advisory lock before the manifest is read (open() takes it again, which a session may). */
  async lock(): Promise<void> {
    try {
      await this.takeLock(await this.session());
    } catch (error) {
      await this.close();
      throw this.failure(error);
    }
  }

  async readManifest(): Promise<JobManifest | undefined> {
    const client = await this.session();
    try {
      const stored = await readManifestRow(client, this.table, this.key);
      return stored && !writerStateOf(stored)?.discarded ? stored : undefined;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Marks the stored manifest discarded rather than deleting it: until the
   * new job's first commit empties the table, it still holds the earlier
   * job's rows, and a fresh start may drop them only if the manifest says
   * whose they are (see holdsOnlyLeftovers).
   */
  async discardManifest(): Promise<void> {
    const client = await this.session();
    try {
      await client.query('BEGIN');
      const earlier = await readManifestRow(client, this.table, this.key, true);
      if (earlier && !writerStateOf(earlier)?.discarded) {
        const writer = { ...writerStateOf(earlier), discarded: true };
        await writeManifestRow(client, this.table, this.key, { ...earlier, finished: false, writer, updatedAt: new Date().toISOString() });
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.failure(error);
    }
  }

  async open(columns: readonly OutputColumn[], resume?: JobManifest): Promise<void> {
    const names = new Set(columns.map((c) => c.name));
    if (columns.length === 0 || names.size !== columns.length) throw new TetraError('INTERNAL', `${this.name}: output columns must be non-empty and distinct`);
    const client = await this.session();
    try {
      await this.takeLock(client);
      await ensureManifestTable(client, this.table);
      const existing = await existingColumns(client, this.table, this.name);
      if (existing) checkCompatible(existing, columns, this.name);
      else await createTable(client, this.table, columns);
      if (resume) await this.prepareResume(client, resume);
      else await this.prepareFresh(client, existing !== undefined);
      this.columns = columns;
    } catch (error) {
      // Dropping the connection gives up the output's lock: a failed open holds nothing.
      await this.close();
      throw this.failure(error);
    }
  }

  async commit(chunk: OutputChunk, manifest: JobManifest): Promise<JobManifest> {
    const columns = this.opened();
    let pieces: string[];
    try {
      pieces = encodeCopyText(chunk, columns);
    } catch (error) {
      throw this.valueFailure(error, this.state.rows);
    }
    const state: WriterState = { ...this.state, rows: this.state.rows + chunk.rows.length };
    const stored: JobManifest = { ...manifest, writer: state };
    await this.transaction(async (client) => {
      if (pieces.length > 0) await copyInto(client, this.table, columns, pieces);
      await writeManifestRow(client, this.table, this.key, stored);
    }, this.state.rows);
    this.state = state;
    return stored;
  }

  async finish(manifest: JobManifest): Promise<void> {
    this.opened();
    const stored: JobManifest = { ...manifest, writer: this.state, finished: true };
    await this.transaction((client) => writeManifestRow(client, this.table, this.key, stored));
  }

  /** Ending the connection also releases the output's advisory lock; writing again needs a new open(). */
  async close(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    this.columns = undefined;
    if (!pending) return;
    const client = await pending.catch(() => undefined);
    if (client) await endClient(client);
  }

  /** A fresh start: decides whether the table's current rows stay, go, or stop the job. */
  private async prepareFresh(client: Client, tableExisted: boolean): Promise<void> {
    this.truncatePending = false;
    this.state = { rows: 0, startedEmpty: true };
    if (!tableExisted || !(await hasRows(client, this.table))) return;
    if (this.ifExists === 'append') {
      this.state = { rows: 0, startedEmpty: false };
      return;
    }
    if (this.ifExists === 'replace' || (await this.holdsOnlyLeftovers(client))) {
      this.truncatePending = true;
      return;
    }
    throw new TetraError(
      'OUTPUT_FAILED',
      `${this.name} already holds rows that are not an unfinished run of a Tetra job; choose to add to them or replace them (ifExists 'append' or 'replace'), or write to another table`,
      { retriable: false },
    );
  }

  /** True when the rows are exactly what an unfinished job left, in a table that was empty when it began. */
  private async holdsOnlyLeftovers(client: Client): Promise<boolean> {
    const earlier = await readManifestRow(client, this.table, this.key);
    const state = earlier && writerStateOf(earlier);
    if (!earlier || earlier.finished || !state?.startedEmpty) return false;
    return (await countRows(client, this.table)) === state.rows;
  }

  private async prepareResume(client: Client, resume: JobManifest): Promise<void> {
    const stored = await readManifestRow(client, this.table, this.key);
    const state = writerStateOf(resume);
    if (!state || !stored || stored.chunks !== resume.chunks || stored.rowsOut !== resume.rowsOut || writerStateOf(stored)?.rows !== state.rows) {
      const found = stored ? `one with ${stored.chunks} chunks and ${stored.rowsOut} rows` : 'none';
      throw new TetraError(
        'OUTPUT_FAILED',
        `${this.name}: cannot resume a job at ${resume.chunks} chunks and ${resume.rowsOut} rows: the manifest stored for it in ${MANIFEST_TABLE} is ${found}; start the job over`,
        { retriable: false },
      );
    }
    this.state = state;
    this.truncatePending = false;
  }

  /** Runs `work` in one transaction, emptying the table first when a fresh start asked for it. */
  private async transaction(work: (client: Client) => Promise<void>, firstRow?: number): Promise<void> {
    const client = await this.session();
    try {
      await client.query('BEGIN');
      if (this.truncatePending) await client.query(`TRUNCATE ${qualifiedSql(this.table)}`);
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.failure(error, firstRow);
    }
    this.truncatePending = false;
  }

  /** One connection for the writer's life: it holds the output's lock, and commits are sequential. */
  private session(): Promise<Client> {
    this.client ??= connectClient(this.location, this.connection);
    // A failed connection is not kept: the next call tries again.
    this.client.catch(() => (this.client = undefined));
    return this.client;
  }

  private async takeLock(client: Client): Promise<void> {
    const result = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`tetra-batch-output:${this.key}`]);
    if (result.rows[0]?.ok !== true) {
      throw new TetraError('JOB_LOCKED', `${this.name}: another job is writing to this table (it holds its advisory lock); wait for it to end`, { retriable: true });
    }
  }

  private opened(): readonly OutputColumn[] {
    if (!this.columns) throw new TetraError('INTERNAL', `${this.name}: open() must come before commit() and finish()`);
    return this.columns;
  }

  /** `firstRow`: the index among this job's output rows of the chunk's first row, to name a failing row. */
  private failure(error: unknown, firstRow?: number): TetraError {
    const { rowIndex, column } = copyErrorLocation((error as { where?: string } | undefined)?.where);
    if (rowIndex === undefined || firstRow === undefined) return postgresError(error, this.location.where, this.name, 'OUTPUT_FAILED');
    const at = `output row ${firstRow + rowIndex}${column !== undefined ? `, column "${column}"` : ''}`;
    return postgresError(error, this.location.where, `${this.name}: ${at}`, 'OUTPUT_FAILED', {
      row: firstRow + rowIndex,
      ...(column !== undefined ? { field: column } : {}),
    });
  }

  private valueFailure(error: unknown, firstRow: number): TetraError {
    if (!(error instanceof CopyValueError)) return postgresError(error, this.location.where, this.name, 'OUTPUT_FAILED');
    const row = firstRow + error.rowIndex;
    const at = `output row ${row}${error.column !== undefined ? `, column "${error.column}"` : ''}`;
    return new TetraError('OUTPUT_FAILED', `${this.name}: ${at} ${error.message}; nothing of this chunk was written`, {
      row,
      ...(error.column !== undefined ? { field: error.column } : {}),
      retriable: false,
      cause: error,
    });
  }
}

function writerStateOf(manifest: JobManifest): WriterState | undefined {
  const state = manifest.writer as Partial<WriterState> | undefined;
  if (typeof state?.rows !== 'number' || typeof state.startedEmpty !== 'boolean') return state?.discarded === true ? { rows: 0, startedEmpty: false, discarded: true } : undefined;
  return { rows: state.rows, startedEmpty: state.startedEmpty, ...(state.discarded === true ? { discarded: true } : {}) };
}
