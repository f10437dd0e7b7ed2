import type { JobProgress } from './batch-job.ts';

export type ProgressStyle = 'bar' | 'log' | 'none';

export interface ProgressTarget {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Shows a job's progress: a bar redrawn in place on a terminal (at most a
 * few times a second), or a plain line every `logEveryMs` for log files and
 * CI, where a redrawn line would be noise.
 */
export class ProgressReporter {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly target: ProgressTarget,
    private readonly style: ProgressStyle = target.isTTY ? 'bar' : 'log',
    private readonly logEveryMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.lastDraw = style === 'log' ? now() : 0;
  }

  readonly update = (p: JobProgress): void => {
    if (this.style === 'none') return;
    const now = this.now();
    const interval = this.style === 'bar' ? 200 : this.logEveryMs;
    if (now - this.lastDraw < interval) return;
    this.lastDraw = now;
    const text = describe(p);
    if (this.style === 'bar') {
      this.target.write(`\r${bar(fraction(p))} ${text}\u001b[K`);
      this.drawn = true;
    } else {
      this.target.write(`tetra batch: ${text}\n`);
    }
  };

  /** A line of its own (a warning), whatever the style: the bar, if drawn, ends first and is drawn again below it. */
  message(line: string): void {
    this.done();
    this.lastDraw = this.style === 'bar' ? 0 : this.lastDraw;
    this.target.write(`${line}\n`);
  }

  /** Ends the bar's line so the summary starts on its own. */
  done(): void {
    if (this.drawn) this.target.write('\n');
    this.drawn = false;
  }
}

/** How far along the job is, from rows when the total is known, else from bytes read. */
function fraction(p: JobProgress): number | undefined {
  if (p.totalRows) return Math.min(1, p.rowsIn / p.totalRows);
  if (p.totalBytes && p.bytesRead !== undefined) return Math.min(1, p.bytesRead / p.totalBytes);
  return undefined;
}

function describe(p: JobProgress): string {
  const rate = p.seconds > 0 ? p.rowsThisRun / p.seconds : 0;
  const f = fraction(p);
  const parts = [`${p.rowsIn.toLocaleString('en-US')} rows`, `${Math.round(rate).toLocaleString('en-US')} rows/s`];
  if (p.rejected > 0) parts.push(`${p.rejected} rejected`);
  if (f !== undefined) {
    parts.push(`${(f * 100).toFixed(1)}%`);
    // The rate of this run over the share this run has done.
    const doneThisRun = p.rowsThisRun / Math.max(1, p.rowsIn);
    const eta = f > 0 && doneThisRun > 0 ? (p.seconds * (1 - f)) / (f * doneThisRun) : undefined;
    if (eta !== undefined && Number.isFinite(eta)) parts.push(`ETA ${formatSeconds(eta)}`);
  }
  return parts.join(', ');
}

function bar(f: number | undefined): string {
  const width = 24;
  if (f === undefined) return '[' + ' '.repeat(width) + ']';
  const full = Math.round(f * width);
  return '[' + '#'.repeat(full) + '.'.repeat(width - full) + ']';
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
