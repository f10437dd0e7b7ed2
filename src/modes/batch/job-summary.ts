import type { KeyNotKept } from '../../core/index.ts';

/** How a batch job ended; each has its own exit code for schedulers to act on. */
export type JobStatus = 'succeeded' | 'partial' | 'failed' | 'already-done';

export const EXIT_CODES: Readonly<Record<JobStatus, number>> = {
  succeeded: 0,
  'already-done': 0,
  failed: 1,
  // 2 is a wrong command line.
  partial: 3,
};

export interface BatchSummary {
  readonly status: JobStatus;
  readonly job?: string;
  readonly model: string;
  readonly version: string;
  readonly input: string;
  readonly output: string;
  readonly rejects: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly rejected: number;
  readonly chunks: number;
  /** The input row the run started at: more than 0 when it resumed an interrupted run. */
  readonly resumedAtRow: number;
  readonly seconds: number;
  /** Input rows per second of this run (rows done by an earlier, interrupted run not counted). */
  readonly rowsPerSecond: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Worker threads the rows were scored on; 0 when the main thread scored every row (and for a job already done, which starts none). */
  readonly workers: number;
  /** Threads that ran the model while the main thread read, encoded and wrote the rows (it too runs the model when they are all busy); absent when none did. */
  readonly modelThreads?: number;
  /** Record keys the output could not keep although every column was asked for (JSON Lines keys first met after the sample). */
  readonly keysNotKept?: readonly KeyNotKept[];
  /** More keys were not kept than keysNotKept names. */
  readonly moreKeysNotKept?: boolean;
  /** Columns named to keep that the input's sampled first records lack: kept untyped, empty in rows without them. */
  readonly keptNotSampled?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** The summary as the lines a person reads on stderr. */
export function formatSummary(s: BatchSummary): string {
  const lines = [
    `tetra batch: ${s.status}${s.job ? ` (job ${s.job})` : ''}: ${s.model} version ${s.version}`,
    `  input    ${s.input}${s.resumedAtRow > 0 ? ` (resumed at row ${s.resumedAtRow + 1})` : ''}`,
    `  output   ${s.output}`,
    `  rows     ${s.rowsIn} in, ${s.rowsOut} out, ${s.rejected} rejected${s.rejected > 0 ? ` (see ${s.rejects})` : ''}`,
    `  time     ${s.seconds.toFixed(1)} s, ${Math.round(s.rowsPerSecond)} rows/s${threadsText(s)}`,
  ];
  if (s.keysNotKept) lines.push(`  not kept ${s.keysNotKept.map((k) => `"${k.name}" (from row ${k.row})`).join(', ')}${s.moreKeysNotKept ? ' and more' : ''}: keys met after the columns were fixed`);
  if (s.keptNotSampled) lines.push(`  unseen   ${s.keptNotSampled.map((name) => `"${name}"`).join(', ')}: columns to keep that the first records lack`);
  if (s.error) lines.push(`  error    ${s.error.message} [${s.error.code}]`);
  return lines.join('\n') + '\n';
}

function threadsText(s: BatchSummary): string {
  if (s.workers > 0) return ` on ${s.workers} worker thread${s.workers === 1 ? '' : 's'}`;
  if (s.modelThreads) return `, the model also on ${s.modelThreads} thread${s.modelThreads === 1 ? '' : 's'}`;
  return '';
}
