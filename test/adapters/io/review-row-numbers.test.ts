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
