import { TetraError, countRowsByReading, type DatasetColumn, type DatasetReader, type DatasetSize, type ReadOptions, type RowChunk } from '../../core/index.ts';

/** Shard `index` (zero-based) of `count`: `--shard i/N`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new TetraError('CONFIG_INVALID', `a shard is written i/N with 0 <= i < N (like 0/4), got "${text}"`, { field: 'shard' });
  }
  return { index, count };
}

/** The files of shard `index`: every N-th, so shards get near-equal file counts. */
export function shardFiles<T>(files: readonly T[], shard: Shard): T[] {
  return files.filter((_, i) => i % shard.count === shard.index);
}

/**
 * One contiguous range of another reader's rows: shard i of N takes rows
 * [floor(i*n/N), floor((i+1)*n/N)) of n, so the shards' outputs, one after
 * another in shard order, are the single-process output.
 */
export class RowRangeShard implements DatasetReader {
  readonly name: string;
  private range?: { start: number; end: number };

  constructor(private readonly inner: DatasetReader, private readonly shard: Shard) {
    this.name = `${inner.name} (shard ${shard.index}/${shard.count} by row range)`;
  }

  get consumedBytes(): number | undefined {
    return this.inner.consumedBytes;
  }

  get columnsSampled(): boolean {
    return this.inner.columnsSampled;
  }

  columns(): Promise<readonly DatasetColumn[]> {
    return this.inner.columns();
  }

  async size(): Promise<DatasetSize> {
    const { start, end } = await this.rows();
    return { rows: end - start };
  }

  async countRows(): Promise<number> {
    const { start, end } = await this.rows();
    return end - start;
  }

  async *read(options: ReadOptions): AsyncGenerator<RowChunk> {
    const { start, end } = await this.rows(options.signal);
    const from = start + (options.startRow ?? 0);
    for await (const chunk of this.inner.read({ ...options, startRow: from })) {
      const chunkEnd = chunk.firstRow + chunk.records.length;
      if (chunk.firstRow >= end) break;
      const take = Math.min(chunkEnd, end) - chunk.firstRow;
      yield {
        records: take < chunk.records.length ? chunk.records.slice(0, take) : chunk.records,
        firstRow: chunk.firstRow - start,
        source: chunk.source,
        ...(chunk.lines ? { lines: take < chunk.lines.length ? chunk.lines.slice(0, take) : chunk.lines } : {}),
      };
      if (chunkEnd >= end) break;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async rows(signal?: AbortSignal): Promise<{ start: number; end: number }> {
    if (!this.range) {
      const total = (await this.inner.size()).rows ?? (await this.inner.countRows(signal));
      const { index, count } = this.shard;
      this.range = { start: Math.floor((index * total) / count), end: Math.floor(((index + 1) * total) / count) };
    }
    return this.range;
  }
}

/**
 * The rows whose key column hashes to this shard (FNV-1a of the key's text):
 * every row of one key lands in one shard, whatever the input's order.
 */
export class KeyHashShard implements DatasetReader {
  readonly name: string;

  constructor(private readonly inner: DatasetReader, private readonly shard: Shard, private readonly key: string) {
    this.name = `${inner.name} (shard ${shard.index}/${shard.count} by ${key})`;
  }

  get consumedBytes(): number | undefined {
    return this.inner.consumedBytes;
  }

  get columnsSampled(): boolean {
    return this.inner.columnsSampled;
  }

  async columns(): Promise<readonly DatasetColumn[]> {
    const columns = await this.inner.columns();
    if (columns.length > 0 && !columns.some((c) => c.name === this.key)) {
      throw new TetraError('INPUT_MISSING_FEATURE', `${this.inner.name}: no column "${this.key}" to shard by (columns: ${columns.map((c) => c.name).join(', ')})`, { field: this.key });
    }
    return columns;
  }

  async size(): Promise<DatasetSize> {
    return { bytes: (await this.inner.size()).bytes };
  }

  countRows(signal?: AbortSignal): Promise<number> {
    return countRowsByReading(this, signal);
  }

  async *read(options: ReadOptions): AsyncGenerator<RowChunk> {
    let toSkip = options.startRow ?? 0;
    let firstRow = 0;
    // The key is read whatever else the job reads: records left without it would all hash alike.
    const fields = options.fields && !options.fields.includes(this.key) ? [...options.fields, this.key] : options.fields;
    // ...and as the text it is: its hash must not depend on whether the model also reads it as a number.
    const plainKinds = options.plainKinds && Object.hasOwn(options.plainKinds, this.key) ? withoutKey(options.plainKinds, this.key) : options.plainKinds;
    for await (const chunk of this.inner.read({ ...options, fields, plainKinds, startRow: 0 })) {
      const keep: number[] = [];
      chunk.records.forEach((record, i) => {
        if (hashKey(record[this.key]) % this.shard.count === this.shard.index) keep.push(i);
      });
      const skipped = Math.min(toSkip, keep.length);
      toSkip -= skipped;
      firstRow += skipped;
      const picked = keep.slice(skipped);
      if (picked.length === 0) continue;
      yield {
        records: picked.map((i) => chunk.records[i] as (typeof chunk.records)[number]),
        firstRow,
        source: chunk.source,
        ...(chunk.lines ? { lines: picked.map((i) => chunk.lines?.[i] as number) } : {}),
      };
      firstRow += picked.length;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function hashKey(value: unknown): number {
  const text = value === null || value === undefined ? '' : String(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function withoutKey<T>(kinds: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const rest = Object.create(null) as Record<string, T>;
  for (const [name, kind] of Object.entries(kinds)) if (name !== key) rest[name] = kind;
  return rest;
}
