import type { OutputColumn } from '../../core/index.ts';
import { encodeLinesInSlices } from './utf8-slices.ts';

/** Turns output rows into CSV or JSON Lines text. */
export interface RowFormat {
  /** Text before the first row (the CSV header). */
  header(columns: readonly OutputColumn[]): string;
  /** The rows' lines, as UTF-8. */
  rows(columns: readonly OutputColumn[], rows: readonly (readonly unknown[])[]): Buffer;
}

export function csvFormat(delimiter = ','): RowFormat {
  const needsQuotes = new RegExp(`[${delimiter === ']' || delimiter === '\\' || delimiter === '^' || delimiter === '-' ? `\\${delimiter}` : delimiter}"\\r\\n]`);
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return needsQuotes.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return {
    header: (columns) => columns.map((c) => cell(c.name)).join(delimiter) + '\n',
    rows: (_columns, rows) => encodeLinesInSlices(rows, (row) => row.map(cell).join(delimiter) + '\n'),
  };
}

export const jsonlFormat: RowFormat = {
  header: () => '',
  rows: (columns, rows) =>
    encodeLinesInSlices(rows, (row) => {
      const record: Record<string, unknown> = {};
      columns.forEach((c, i) => (record[c.name] = row[i] ?? null));
      return JSON.stringify(record, bigintAsNumber) + '\n';
    }),
};

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
