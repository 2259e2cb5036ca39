import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../../../shared/errors/validation-error.js';

/**
 * Validates a query string against an endpoint's schema. Unknown parameters are refused rather than
 * ignored: a misspelt filter (or an attempt like `account_id=...`) gets a 400 naming it instead of
 * an answer that silently ignores it.
 */
export function parseParams<Schema extends z.ZodType>(schema: Schema, query: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  throw new ValidationError(parsed.error.issues.map(toIssue));
}

function toIssue(issue: z.core.$ZodIssue): FieldIssue {
  if (issue.code === 'unrecognized_keys') {
    return { field: issue.keys[0] ?? '(query)', expected: `no such parameter (unknown: ${issue.keys.join(', ')})` };
  }
  return { field: issue.path.length === 0 ? '(query)' : String(issue.path[0]), expected: issue.message.replace(/^Invalid input: /, '') };
}
