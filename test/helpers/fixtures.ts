import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file lives in test/helpers/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared fixtures folder: `$TETRA_FIXTURES`, else `../shared/fixtures` next to the project. */
export const FIXTURES_DIR = process.env.TETRA_FIXTURES ?? resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');

/**
 * Absolute path of a fixture file, given its path relative to the fixtures
 * folder. The fixtures are required: a missing folder fails the test that
 * needs it, with the place it was looked for.
 */
export function fixture(relativePath: string): string {
  if (!existsSync(FIXTURES_DIR)) {
    throw new Error(`the shared fixtures folder is missing: looked for ${FIXTURES_DIR} (set TETRA_FIXTURES to its path)`);
  }
  return join(FIXTURES_DIR, relativePath);
}
