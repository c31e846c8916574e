import type { z } from 'zod';

/**
 * One message for a failed schema check: each issue with its path, what was expected and
 * what came, e.g. `Invalid request body: argv.0: Invalid input: expected string, received number`.
 * Parse with `{ reportInput: true }` so that custom messages can name the value that came.
 */
export function describeIssues(what: string, error: z.core.$ZodError): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return `${path ? `${path}: ` : ''}${describeUnknownKeys(issue.keys)}`;
    const got = issue.code !== 'custom' && 'input' in issue && !/received|got /.test(issue.message) ? `, got ${preview(issue.input)}` : '';
    return `${path ? `${path}: ` : ''}${issue.message}${got}`;
  });
  return `Invalid ${what}: ${parts.join('; ')}`;
}

/** `Unexpected key `pth` (misspelled?)`: a strict schema's refusal of keys it does not know. */
function describeUnknownKeys(keys: readonly string[]): string {
  const names = keys.map((key) => `\`${key}\``).join(', ');
  return `Unexpected key${keys.length === 1 ? '' : 's'} ${names} (not among the known ones: check the spelling)`;
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? `\`${value}\`` : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
