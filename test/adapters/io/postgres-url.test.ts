import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayTableName, parsePostgresUrl, parseTableName } from '../../../src/adapters/io/postgres-url.ts';
import { copyErrorLocation, encodeCopyText, escapeCopy } from '../../../src/adapters/io/postgres-copy.ts';

const fail = (message: string): Error => new Error(message);

test('table names follow SQL identifier rules: unquoted folds to lower case, no schema means public', () => {
  assert.deepEqual(parseTableName('Scores', fail), { schema: 'public', table: 'scores' });
  assert.deepEqual(parseTableName('Mart.Scores', fail), { schema: 'mart', table: 'scores' });
  assert.deepEqual(parseTableName('"My Mart"."Odd.""Name"""', fail), { schema: 'My Mart', table: 'Odd."Name"' });
  assert.equal(displayTableName({ schema: 'mart', table: 'scores_2024' }), 'mart.scores_2024');
  assert.equal(displayTableName({ schema: 'My Mart', table: 'x' }), '"My Mart".x');
  assert.throws(() => parseTableName('a..b', fail), /empty identifier/);
  assert.throws(() => parseTableName('"a"b', fail), /unexpected "b"/);
});

test("Tetra's parameters leave the connection string; the driver's stay; messages never show the password", () => {
  const location = parsePostgresUrl('postgresql://me:pw@db.internal:6543/sales?sslmode=require&table=mart.scores&order_by=Day,%22Id%22', fail);
  assert.equal(location.connectionString, 'postgresql://me:pw@db.internal:6543/sales?sslmode=require');
  assert.equal(location.where, 'db.internal:6543/sales');
  assert.deepEqual(location.table, { schema: 'mart', table: 'scores' });
  assert.deepEqual(location.orderBy, ['day', 'Id']);
  const query = parsePostgresUrl(`postgres://127.0.0.1/db?query=${encodeURIComponent('SELECT a + 1 FROM t ORDER BY a;\n')}`, fail);
  assert.equal(query.query, 'SELECT a + 1 FROM t ORDER BY a');
  assert.equal(query.where, '127.0.0.1:5432/db');
  assert.throws(() => parsePostgresUrl('postgres://me:pw@h/db?table=a&table=b', fail), (e: Error) => /more than once/.test(e.message) && !e.message.includes('pw'));
  assert.throws(() => parsePostgresUrl('http://me:pw@h/db', fail), (e: Error) => e.message.includes('me:***@h') && !e.message.includes(':pw'));
});

test('COPY text escapes only what the format gives meaning to, and writes null as \\N', () => {
  assert.equal(escapeCopy('a\tb\nc\rd\\e"f\'g,h'), 'a\\tb\\nc\\rd\\\\e"f\'g,h');
  const columns = [{ name: 's', type: 'string' }, { name: 'x', type: 'float64' }, { name: 'b', type: 'boolean' }, { name: 'j', type: 'json' }] as const;
  const text = encodeCopyText({ rows: [['\\N', NaN, true, { t: 'a\tb' }], [null, -0, false, 'str'], [undefined, 1e21, null, null]] }, columns).join('');
  assert.equal(text, '\\\\N\tNaN\tt\t{"t":"a\\\\tb"}\n\\N\t-0\tf\t"str"\n\\N\t1e+21\t\\N\t\\N\n');
  assert.deepEqual(copyErrorLocation('COPY scores, line 7, column score: "abc"'), { rowIndex: 6, column: 'score' });
  assert.deepEqual(copyErrorLocation('COPY scores, line 2'), { rowIndex: 1 });
  assert.deepEqual(copyErrorLocation(undefined), {});
});
