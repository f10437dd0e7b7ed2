import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file lives in test/helpers/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared fixtures folder: `$TETRA_FIXTURES`, else `../shared/fixtures` next to the project. */
export const FIXTURES_DIR = process.env.TETRA_FIXTURES ?? resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');

/** Absolute path of a fixture file, given its path relative to the fixtures folder. */
export function fixture(relativePath: string): string {
  return join(FIXTURES_DIR, relativePath);
}

export function fixturesPresent(): boolean {
  return existsSync(join(FIXTURES_DIR, 'cases.json'));
}
