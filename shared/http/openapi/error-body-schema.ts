import { z } from 'zod';
import type { ErrorBody } from '../error-body.js';

/** The one error body (shared/http/error-body.ts, docs/http-errors.md) as a schema, strict like the type. */
export const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string().regex(/^[A-Z][A-Z_]*$/).describe('stable UPPER_SNAKE code to branch on (docs/http-errors.md)'),
        message: z.string().describe('words for a person; may change'),
        field: z.string().optional().describe('the offending field as a dotted path, when one field is at fault'),
        issues: z.array(z.object({ field: z.string(), expected: z.string() }).strict()).optional().describe('with VALIDATION_FAILED: every field found wrong'),
        retryable: z.literal(true).optional().describe('the same request may succeed if sent again'),
      })
      .strict(),
  })
  .strict();

// The schema and the type the handlers build must stay the same shape.
const sameShape: ErrorBody = {} as z.output<typeof errorBodySchema>;
void sameShape;
