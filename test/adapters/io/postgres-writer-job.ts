/**
 * A stand-in for the batch runner's use of PostgresWriter: commits numbered
 * chunks with their manifests, resuming an unfinished job it finds. The
 * writer tests run it in process, and as a child process they kill -9.
 *
 *   node --import tsx test/adapters/io/postgres-writer-job.ts <url> <chunks>
 *
 * prints `committed <n>` after each commit and `finished` at the end.
 */
import { fileURLToPath } from 'node:url';
import { PostgresWriter, type PostgresWriterOptions } from '../../../src/adapters/io/postgres-writer.ts';
import type { JobManifest, OutputChunk, OutputColumn } from '../../../src/core/index.ts';

export const JOB_COLUMNS: readonly OutputColumn[] = [
  { name: 'id', type: 'int64' },
  { name: 'label', type: 'string' },
  { name: 'score', type: 'float64' },
  { name: 'flag', type: 'boolean' },
  { name: 'extra', type: 'json' },
];

export const JOB_CHUNK_ROWS = 200;

/** Chunk `index`'s rows: a pure function of the index, so every run writes the same. */
export function jobChunk(index: number): OutputChunk {
  const rows = Array.from({ length: JOB_CHUNK_ROWS }, (_, r) => {
    const id = index * JOB_CHUNK_ROWS + r;
    return [id, `row ${id}\twith\\escapes\n`, id / 7, id % 3 === 0, id % 5 === 0 ? null : { id, tags: ['a', `b${id}`] }];
  });
  return { rows };
}

export function jobManifest(chunks: number): JobManifest {
  return {
    format: 'tetra-batch-manifest/1',
    fingerprint: 'postgres-writer-test',
    columns: JOB_COLUMNS,
    rowsIn: chunks * JOB_CHUNK_ROWS,
    rowsOut: chunks * JOB_CHUNK_ROWS,
    rejected: 0,
    chunks,
    rejectsBytes: 0,
    finished: false,
    startedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

export interface JobRun {
  /** Stop after this many chunks in all without finishing, as a killed job would. */
  readonly stopAt?: number;
  readonly onCommit?: (chunks: number) => void;
}

/** Runs (or resumes) the job to `chunks` chunks; returns the last manifest written. */
export async function runJob(options: PostgresWriterOptions, chunks: number, run: JobRun = {}): Promise<JobManifest> {
  const writer = new PostgresWriter(options);
  try {
    const earlier = await writer.readManifest();
    const resume = earlier && !earlier.finished ? earlier : undefined;
    await writer.open(JOB_COLUMNS, resume);
    let manifest = resume ?? jobManifest(0);
    for (let i = manifest.chunks; i < chunks; i++) {
      if (run.stopAt !== undefined && i >= run.stopAt) return manifest;
      manifest = await writer.commit(jobChunk(i), jobManifest(i + 1));
      run.onCommit?.(i + 1);
    }
    await writer.finish(manifest);
    return { ...manifest, finished: true };
  } finally {
    await writer.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, chunks] = process.argv.slice(2);
  await runJob({ url: url as string }, Number(chunks), { onCommit: (n) => process.stdout.write(`committed ${n}\n`) });
  process.stdout.write('finished\n');
}
