import type { z } from 'zod';
import { TetraError } from '../errors/index.ts';

/** Formats a zod path as `inputs[3].type`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * Turns a zod failure into one CONFIG_INVALID error naming the file, the
 * path of the first bad field and what was expected; all problems are listed.
 */
export function configError(error: z.ZodError, file: string, prefix = ''): TetraError {
  const problems = error.issues.map((issue) => `${issuePath(issue, prefix) || '(top level)'}: ${describeIssue(issue)}`);
  const first = error.issues[0];
  const path = first ? issuePath(first, prefix) : prefix;
  return new TetraError('CONFIG_INVALID', `${file}: ${problems.join('; ')}`, { file, path, cause: error });
}

/** The path of the bad field; for an unknown key, the key itself. */
function issuePath(issue: z.core.$ZodIssue, prefix: string): string {
  const path = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0] as string] : issue.path;
  return joinPath(prefix, formatPath(path));
}

function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return issue.message;
}
