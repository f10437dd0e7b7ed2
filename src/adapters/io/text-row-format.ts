import type { OutputColumn } from '../../core/index.ts';

/** Turns output rows into CSV or JSON Lines text. */
export interface RowFormat {
  /** Text before the first row (the CSV header). */
  header(columns: readonly OutputColumn[]): string;
  rows(columns: readonly OutputColumn[], rows: readonly (readonly unknown[])[]): string;
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
    rows: (_columns, rows) => {
      let text = '';
      for (const row of rows) text += row.map(cell).join(delimiter) + '\n';
      return text;
    },
  };
}

export const jsonlFormat: RowFormat = {
  header: () => '',
  rows: (columns, rows) => {
    let text = '';
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      columns.forEach((c, i) => (record[c.name] = row[i] ?? null));
      text += JSON.stringify(record, bigintAsNumber) + '\n';
    }
    return text;
  },
};

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
