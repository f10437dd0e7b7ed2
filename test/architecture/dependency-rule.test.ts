import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PROJECT_ROOT } from '../helpers/fixtures.ts';

const SRC = join(PROJECT_ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The project files a source file imports (relative imports only). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)];
  return found.map((m) => resolve(dirname(file), (m[1] ?? m[2]) as string));
}

/** `core`, `runtimes/onnx`, `adapters/io`, `cli`... */
function area(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts[0] === 'runtimes' || parts[0] === 'adapters' || parts[0] === 'modes' ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** Which areas each area may import: core nothing else; runtimes and adapters only core; modes core. */
function allowed(from: string, to: string): boolean {
  if (from === to || to === 'core') return true;
  if (from === 'core') return false;
  if (from.startsWith('runtimes/') || from.startsWith('adapters/') || from.startsWith('modes/')) return false;
  return true;
}

test('the dependency rule holds: core imports nothing else; runtimes, adapters and modes import only core', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    for (const target of imports(file)) {
      if (!target.startsWith(SRC)) continue;
      if (!allowed(area(file), area(target))) violations.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the rule checker sees imports (it would catch a violation)', () => {
  assert.equal(allowed('core', 'runtimes/onnx'), false);
  assert.equal(allowed('runtimes/onnx', 'adapters/io'), false);
  assert.ok(imports(join(SRC, 'cli', 'runtimes.ts')).some((p) => p.includes(`${sep}runtimes${sep}onnx`)));
});
