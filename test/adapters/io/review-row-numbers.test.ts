import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TextDatasetReader } from '../../../src/adapters/io/text-dataset-reader.ts';
import { decodeTextPiece } from '../../../src/adapters/io/text-piece-decoder.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

type Read = { firstRow: number; lines: readonly number[] | undefined; records: unknown[] }[] | string;

async function sequential(paths: string[], format: 'csv' | 'jsonl', chunkRows: number, startRow: number): Promise<Read> {
  const out: Exclude<Read, string> = [];
  try {
    for await (const c of new TextDatasetReader(paths, { format }).read({ chunkRows, startRow })) out.push({ firstRow: c.firstRow, lines: c.lines, records: c.records.map((r) => ({ ...r })) });
  } catch (error) {
    return (error as Error).message;
  }
  return out;
}

async function pieces(paths: string[], format: 'csv' | 'jsonl', chunkRows: number, startRow: number): Promise<Read> {
  const out: Exclude<Read, string> = [];
  try {
    for await (const piece of new TextDatasetReader(paths, { format }).pieces({ chunkRows, startRow })) {
      const c = await decodeTextPiece(piece);
      assert.equal(c.records.length, piece.rows, `a piece's decoded rows are the rows its cutter counted (${piece.source} from line ${piece.firstLine})`);
      out.push({ firstRow: c.firstRow, lines: c.lines, records: c.records.map((r) => ({ ...r })) });
    }
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return (error as Error).message;
  }
  return out;
}

const CASES: [string, 'csv' | 'jsonl', string | Buffer][] = [
  ['crlf.csv', 'csv', 'a,b\r\n1,2\r\n3,4\r\n5,6'],
  ['quoted.csv', 'csv', '\ufeff\na,b\n"x\ny",2\n\n"p\r\nq",4\r5,"6\n\n7"\n8,9'],
  ['spaces.jsonl', 'jsonl', '{"a":1}\n \t\r\n{"a":2}\n{"a":3}\n'],
  ['formfeed.jsonl', 'jsonl', '{"a":1}\n\f\n{"a":2}\n{"a":3}\n'],
  ['nbsp.jsonl', 'jsonl', '{"a":1}\n\u00a0\n{"a":2}\n{"a":3}\n'],
  // A byte-order mark is dropped at a file's start only: one at the start of a later line is data, wherever a piece starts.
  ['bom.jsonl', 'jsonl', '\ufeff{"a":1}\n\ufeff{"a":2}\n{"a":3}\n'],
  ['gz.csv.gz', 'csv', gzipSync('a,b\n1,2\n\n3,4\n5,6\n')],
];

test('worker-thread pieces and the sequential reader give the same rows, row numbers and lines (or the same error)', async () => {
  const dir = tempDir();
  for (const [name, format, content] of CASES) {
    const path = join(dir, name);
    writeFileSync(path, content);
    // A job never resumes past a row that does not parse (it stops there), so a malformed input is compared from its start only.
    const malformed = typeof (await sequential([path], format, 1, 0)) === 'string';
    for (const chunkRows of [1, 2, 3]) {
      for (const startRow of malformed ? [0] : [0, 1, 2]) {
        assert.deepEqual(await pieces([path], format, chunkRows, startRow), await sequential([path], format, chunkRows, startRow), `${name}, chunks of ${chunkRows}, from row ${startRow}`);
      }
    }
  }
});

test('a CRLF split by the 1 MiB read buffer: pieces cut there keep the rows and lines of the sequential reader', async () => {
  const path = join(tempDir(), 'crlf-edge.csv');
  const header = 'a,b\r\n';
  const row = (i: number): string => `${String(i).padStart(8, '0')},x\r\n`; // 12 bytes
  // Rows up to just before 1 MiB, then one row stretched so that its CR is the buffer's last byte.
  const count = Math.floor((2 ** 20 - header.length) / 12) - 1;
  const head = header + Array.from({ length: count }, (_, i) => row(i)).join('');
  const stretched = `${'9'.repeat(2 ** 20 - head.length - 3)},y\r\n`;
  const text = head + stretched + row(count + 1) + row(count + 2);
  assert.equal(text.charCodeAt(2 ** 20 - 1), 13, 'the CR is the last byte of the first read');
  writeFileSync(path, text);
  for (const chunkRows of [count + 1, count]) assert.deepEqual(await pieces([path], 'csv', chunkRows, 0), await sequential([path], 'csv', chunkRows, 0), `chunks of ${chunkRows}`);
});
