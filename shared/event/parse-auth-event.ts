import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors/validation-error.js';
import type { AuthEvent } from './auth-event.js';
import { authEventSchema, type AuthEventInput } from './auth-event-schema.js';
import { reasonMatchesResult } from './vocabulary.js';

/**
 * Checks an event from a caller and returns it normalised (defaults filled, timestamp in UTC).
 * Throws ValidationError naming every bad field and what was expected; nothing has been written.
 */
export function parseAuthEvent(input: AuthEventInput | unknown): AuthEvent {
  const parsed = authEventSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error.issues));
  const event = parsed.data as AuthEvent;
  if (!reasonMatchesResult(event.result, event.reason)) {
    const expected = event.result === 'success' ? 'a success reason (e.g. user_approved)' : 'a denial reason (e.g. invalid_passcode)';
    throw new ValidationError([{ field: 'reason', expected: `${expected} for result ${event.result}, not ${event.reason}` }]);
  }
  return event;
}

export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => ({
    field: issue.path.length === 0 ? '(event)' : issue.path.join('.'),
    expected: issue.code === 'unrecognized_keys' ? `no unknown fields (${issue.keys.join(', ')})` : stripPrefix(issue.message),
  }));
}

/** zod prefixes our messages with "Invalid input: " in some cases; the field name says that already. */
function stripPrefix(message: string): string {
  return message.replace(/^Invalid input: /, '');
}
