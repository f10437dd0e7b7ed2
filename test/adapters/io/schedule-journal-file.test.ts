import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScheduleJournalFile } from '../../../src/adapters/io/schedule-journal-file.ts';
import { TetraError } from '../../../src/core/index.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const at = (iso: string) => new Date(iso);

test('schedule journal: runs noted as started and not ended are read back by a new instance; no file means none', async () => {
  const dir = tempDir();
  const path = join(dir, 'journal.json');
  const journal = new ScheduleJournalFile(path);
  assert.deepEqual(await journal.running(), []);
  await journal.started({ job: 'nightly', scheduledAt: at('2026-01-01T02:00:00Z') });
  await journal.started({ job: 'hourly', scheduledAt: at('2026-01-01T03:00:00Z') });
  await journal.started({ job: 'nightly', scheduledAt: at('2026-01-01T02:00:00Z') });
  await journal.ended({ job: 'hourly', scheduledAt: at('2026-01-01T03:00:00Z') });
  await journal.close();
  assert.deepEqual(readdirSync(dir), ['journal.json'], 'no temporary file left, the lock released');
  const again = new ScheduleJournalFile(path);
  assert.deepEqual(await again.running(), [{ job: 'nightly', scheduledAt: at('2026-01-01T02:00:00Z') }], 'noted once, the ended run gone');
  await again.close();
});

test('schedule journal: changes made together are written in order, the file ends with the last state', async () => {
  const path = join(tempDir(), 'journal.json');
  const journal = new ScheduleJournalFile(path);
  const runs = Array.from({ length: 20 }, (_, i) => ({ job: `job-${i}`, scheduledAt: at(`2026-01-01T00:${String(i).padStart(2, '0')}:00Z`) }));
  await Promise.all([...runs.map((r) => journal.started(r)), ...runs.filter((_, i) => i % 2 === 0).map((r) => journal.ended(r))]);
  const written = JSON.parse(readFileSync(path, 'utf8')) as { running: { job: string }[] };
  assert.deepEqual(written.running.map((r) => r.job), runs.filter((_, i) => i % 2 === 1).map((r) => r.job));
});

test('schedule journal: a file that is not one fails with CONFIG_INVALID naming the file, what is wrong and what to do', async () => {
  const dir = tempDir();
  const cases: [string, RegExp][] = [
    ['{"running": [', /not a Tetra schedule journal \(.*JSON/],
    ['{"format": "other", "running": []}', /format is "other", expected "tetra-schedule-journal\/1"/],
    ['{"format": "tetra-schedule-journal/1", "running": [{"job": "a", "scheduledAt": "yesterday"}]}', /running\[0\] needs a job name and an ISO scheduledAt time/],
  ];
  for (const [text, message] of cases) {
    const path = join(dir, 'journal.json');
    writeFileSync(path, text);
    await assert.rejects(new ScheduleJournalFile(path).running(), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && e.message.startsWith(path) && message.test(e.message) && /delete it/.test(e.message), text);
  }
});

test('schedule journal: a file that cannot be written fails with OUTPUT_FAILED naming it', async () => {
  const journal = new ScheduleJournalFile(join(tempDir(), 'missing-folder', 'journal.json'));
  await assert.rejects(journal.started({ job: 'a', scheduledAt: at('2026-01-01T00:00:00Z') }), (e: unknown) => TetraError.is(e) && e.code === 'OUTPUT_FAILED' && /missing-folder\/journal\.json: the schedule journal cannot be written \(ENOENT\)/.test(e.message));
});

test('schedule journal: one scheduler at a time: a second one is refused while the first holds it, and may take it once closed', async () => {
  const path = join(tempDir(), 'journal.json');
  const first = new ScheduleJournalFile(path);
  await first.running();
  await first.started({ job: 'nightly', scheduledAt: at('2026-01-01T02:00:00Z') });
  const second = new ScheduleJournalFile(path);
  await assert.rejects(second.running(), (e: unknown) => TetraError.is(e) && e.code === 'JOB_LOCKED' && /another scheduler is using this journal \(process \d+/.test(e.message));
  await first.close();
  assert.deepEqual(await second.running(), [{ job: 'nightly', scheduledAt: at('2026-01-01T02:00:00Z') }]);
  await second.close();
});

test('schedule journal: a folder where it cannot be made fails the start with CONFIG_INVALID naming the setting', async () => {
  const journal = new ScheduleJournalFile(join(tempDir(), 'missing-folder', 'journal.json'));
  await assert.rejects(journal.running(), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && /cannot be created \(ENOENT\); set schedule\.journal \(TETRA_SCHEDULE__JOURNAL\) to a file in a writable folder/.test(e.message));
});
