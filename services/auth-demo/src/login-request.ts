import { z } from 'zod';
import { FACTORS } from '../../../shared/event/vocabulary.js';

const key = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { message: '1-64 characters of A-Z a-z 0-9 . _ : -' });
const text = z.string().max(255, { message: 'at most 255 characters' });

/**
 * What a client of the demo auth service sends: who logs in to what, from where. The decision
 * itself (result, reason, factor) is simulated. `txid` makes a retry idempotent; `simulate` lets the
 * demo and the fault-injection suite abort a login after it was recorded, which must leave nothing.
 */
export const loginRequestSchema = z
  .object({
    account_id: key,
    txid: key.optional(),
    user: z.object({ key, name: text, groups: z.array(text).max(100).default([]) }).strict(),
    application: z.object({ key, name: text }).strict(),
    factor: z.enum(FACTORS, { message: `one of: ${FACTORS.join(', ')}` }).optional(),
    access_device: z
      .object({
        ip: z.string().optional(),
        hostname: text.optional(),
        os: text.optional(),
        os_version: text.optional(),
        browser: text.optional(),
        browser_version: text.optional(),
        location: z.object({ city: text.nullable().optional(), state: text.nullable().optional(), country: text.nullable().optional() }).strict().optional(),
      })
      .strict()
      .default({}),
    simulate: z.enum(['rollback'], { message: 'rollback' }).optional(),
  })
  .strict();

export type LoginRequest = z.infer<typeof loginRequestSchema>;
