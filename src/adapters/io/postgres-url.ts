import { escapeIdentifier } from 'pg';

/** A table named by schema and name, both as PostgreSQL stores them (case kept, unquoted). */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

/**
 * What a `postgres://` URL points at. Tetra's own parameters (`table`,
 * `query`, `order_by`) are taken out; everything else (sslmode,
 * application_name, ...) stays in `connectionString` for the driver.
 */
export interface PostgresLocation {
  readonly connectionString: string;
  /** `host:port/database` for messages: never the password. */
  readonly where: string;
  readonly table?: TableName;
  readonly query?: string;
  /** Column names from `order_by=a,b` (SQL identifier rules: unquoted folds to lower case). */
  readonly orderBy?: readonly string[];
}

const TETRA_PARAMETERS = ['table', 'query', 'order_by'];

/**
 * Parses `postgres://user[:password]@host[:port]/database?table=schema.name`
 * (or `?query=SELECT...`, URL-encoded). `fail` turns a complaint into the
 * caller's error, since a bad input URL and a bad output URL differ in code.
 */
export function parsePostgresUrl(text: string, fail: (message: string) => Error): PostgresLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail(`not a URL: ${redactPassword(text)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw fail(`${redactPassword(text)}: expected a postgres:// URL`);
  const params = url.searchParams;
  for (const name of TETRA_PARAMETERS) {
    if (params.getAll(name).length > 1) throw fail(`${describeUrl(url)}: "${name}" is given more than once`);
  }
  const table = params.get('table') ?? undefined;
  const query = params.get('query') ?? undefined;
  const orderBy = params.get('order_by') ?? undefined;
  const driverUrl = new URL(url.href);
  for (const name of TETRA_PARAMETERS) driverUrl.searchParams.delete(name);
  return {
    connectionString: driverUrl.href,
    where: describeUrl(url),
    ...(table !== undefined ? { table: parseTableName(table, (m) => fail(`${describeUrl(url)}: table=${table}: ${m}`)) } : {}),
    ...(query !== undefined ? { query: trimQuery(query) } : {}),
    ...(orderBy !== undefined ? { orderBy: parseIdentifierList(orderBy, (m) => fail(`${describeUrl(url)}: order_by=${orderBy}: ${m}`)) } : {}),
  };
}

/** `host:port/database`, with the driver's defaults filled in the way it fills them. */
function describeUrl(url: URL): string {
  const env = process.env;
  const host = decodeURIComponent(url.hostname) || url.searchParams.get('host') || env.PGHOST || 'localhost';
  const port = url.port || env.PGPORT || '5432';
  const user = decodeURIComponent(url.username) || env.PGUSER || env.USER || '';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || env.PGDATABASE || user;
  return `${host}:${port}/${database}`;
}

function redactPassword(text: string): string {
  return text.replace(/(\/\/[^:/@]*):[^@]*@/, '$1:***@');
}

/** A trailing `;` would end the statement Tetra wraps the query in. */
export function trimQuery(query: string): string {
  return query.trim().replace(/;+\s*$/, '').trim();
}

/**
 * `name`, `schema.name`, or with double-quoted parts (`"My Schema"."Table.1"`).
 * As in SQL, an unquoted part is folded to lower case; an unqualified table
 * is in `public` (not the search_path, so the job manifest's key is stable).
 */
export function parseTableName(text: string, fail: (message: string) => Error): TableName {
  const parts = splitIdentifiers(text, '.', fail);
  if (parts.length === 1) return { schema: 'public', table: parts[0] as string };
  if (parts.length === 2) return { schema: parts[0] as string, table: parts[1] as string };
  throw fail('expected "table" or "schema.table"');
}

function parseIdentifierList(text: string, fail: (message: string) => Error): string[] {
  return splitIdentifiers(text, ',', fail);
}

/** Splits on `separator` outside double quotes, folding unquoted parts as SQL does. */
function splitIdentifiers(text: string, separator: string, fail: (message: string) => Error): string[] {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ') i++;
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw fail('unterminated quoted identifier');
        if (text[i] === '"' && text[i + 1] === '"') (part += '"'), (i += 2);
        else if (text[i] === '"') break;
        else part += text[i++];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== separator) part += text[i++];
      part = part.trim().toLowerCase();
    }
    while (text[i] === ' ') i++;
    if (part === '') throw fail('empty identifier');
    parts.push(part);
    if (i >= text.length) return parts;
    if (text[i] !== separator) throw fail(`unexpected "${text[i]}" after an identifier`);
    i++;
  }
}

export function quoteIdentifier(name: string): string {
  return escapeIdentifier(name);
}

/** `"schema"."table"` for SQL. */
export function qualifiedSql(name: TableName): string {
  return `${quoteIdentifier(name.schema)}.${quoteIdentifier(name.table)}`;
}

/** `schema.table` for messages and keys, quoting a part only when SQL would need it. */
export function displayTableName(name: TableName): string {
  const part = (s: string): string => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : quoteIdentifier(s));
  return `${part(name.schema)}.${part(name.table)}`;
}
