/** One input row a batch job could not score. */
export interface RejectedRecord {
  /** One-based index of the row among the job's input rows. */
  readonly row: number;
  readonly source: string;
  readonly line?: number;
  readonly code: string;
  readonly field?: string;
  readonly message: string;
  /** The values of the columns the job keeps (ids, keys), to find the row again. */
  readonly values?: Readonly<Record<string, unknown>>;
}

/**
 * Where a batch job puts rows it rejects. Grows with the output and is cut
 * back to the committed length when a job resumes, like the output.
 */
export interface RejectsLog {
  readonly name: string;
  /** From scratch, or keeping the first `committedBytes` of an earlier run. */
  open(committedBytes?: number): Promise<void>;
  append(records: readonly RejectedRecord[]): Promise<void>;
  /** Makes what was appended durable; returns the length to record as committed. */
  sync(): Promise<number>;
  close(): Promise<void>;
}
