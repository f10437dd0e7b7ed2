import type { ColumnarRows } from './columnar-rows.ts';
import type { ColumnType } from './dataset-reader.ts';

export interface OutputColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** Rows to append, each an array of values in the output's column order (null for missing). */
export interface OutputChunk {
  readonly rows: readonly (readonly unknown[])[];
  /**
   * For a writer that takes them (`takesColumnar`): the rows to append as
   * runs of rows column by column, in order, instead of `rows` (then empty).
   */
  readonly columnar?: readonly ColumnarRows[];
}

/**
 * A record key outside the output's columns although the job keeps every
 * input column: the columns of a JSON Lines input are learnt from its first
 * records, and the output's columns are fixed before a later record can
 * bring another key. Named where the first output row held it.
 */
export interface KeyNotKept {
  readonly name: string;
  /** The first input row (1-based, as in rejects) with an output row that held it. */
  readonly row: number;
  readonly source: string;
  readonly line?: number;
}

/**
 * What a job has durably done. Written together with each chunk, read back
 * to resume after the last committed chunk. JSON-serialisable.
 */
export interface JobManifest {
  readonly format: 'tetra-batch-manifest/1';
  /** A digest of what the job computes (model, version, input, options): a resume must match it. */
  readonly fingerprint: string;
  /** The output's columns, fixed by the first chunk. */
  readonly columns: readonly OutputColumn[];
  /** Input rows consumed, counted after sharding (where the next read starts). */
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly rejected: number;
  readonly chunks: number;
  /** Bytes of the rejects file that belong to committed chunks. */
  readonly rejectsBytes: number;
  /** The rejects file those bytes are in: a resume cuts it back to them, so it must be the same file. */
  readonly rejectsName?: string;
  /** Keys of records that a job keeping every column could not keep (see KeyNotKept), in the order first met. */
  readonly keysNotKept?: readonly KeyNotKept[];
  /** More keys were not kept than keysNotKept names. */
  readonly moreKeysNotKept?: boolean;
  /** The writer's own resume state (a byte offset, Parquet row groups); filled in by the writer. */
  readonly writer?: unknown;
  readonly finished: boolean;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/**
 * A dataset output written in chunks. Each `commit` makes one chunk and the
 * job's manifest durable together, so a job killed at any point resumes
 * from its last commit and ends with the output an uninterrupted run writes.
 */
export interface DatasetWriter {
  /** For messages: the path or `postgres table x`. */
  readonly name: string;
  /** False for outputs that cannot be resumed (stdout): every run starts over. */
  readonly resumable: boolean;
  /** Takes `OutputChunk.columnar`: rows scored on other threads may be sent column by column. */
  readonly takesColumnar?: boolean;
  /**
   * Stores rows column by column (Parquet): rows scored on the writing
   * thread too are best laid out so as each chunk arrives. A text output
   * takes columns from other threads but writes rows made here faster as
   * they are.
   */
  readonly storesColumns?: boolean;
  /**
   * Keeps every other job off this output until `close`: a second job
   * fails at once with JOB_LOCKED. Taken before the manifest is read, so
   * what a job learns of the output stays true while it runs.
   */
  lock(): Promise<void>;
  /** The manifest an earlier run left at this output, if any. */
  readManifest(): Promise<JobManifest | undefined>;
  /**
   * Durably forgets the earlier job at this output (a forced start): a run
   * killed before its first commit must not leave a manifest that says the
   * earlier job finished, or a rerun would report its output as done.
   */
  discardManifest(): Promise<void>;
  /**
   * Prepares to write `columns`: from scratch (discarding an earlier run's
   * leftovers), or after `resume`'s last committed chunk.
   */
  open(columns: readonly OutputColumn[], resume?: JobManifest): Promise<void>;
  /** Appends `chunk` and stores `manifest` (with the writer's state added), durably and atomically together. */
  commit(chunk: OutputChunk, manifest: JobManifest): Promise<JobManifest>;
  /** Makes the output appear complete (rename, footer) and stores the finished manifest. */
  finish(manifest: JobManifest): Promise<void>;
  /** Releases files, connections and the lock without finishing; what was committed stays. */
  close(): Promise<void>;
}
