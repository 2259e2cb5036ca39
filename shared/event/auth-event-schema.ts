import { isIP } from 'node:net';
import { z } from 'zod';
import { EVENT_SCHEMA_VERSION } from './auth-event.js';
import { EVENT_TYPES, FACTORS, REASONS, RESULTS } from './vocabulary.js';

/** Account ids and keys are opaque identifiers: short, printable, safe in URLs, topics and keys. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const identifier = (what: string) =>
  z.string({ message: `${what}: a string` }).regex(IDENTIFIER, { message: `${what}: 1-64 characters of A-Z a-z 0-9 . _ : -` });

const text = (max: number) => z.string({ message: `a string of at most ${max} characters` }).max(max, { message: `at most ${max} characters` });
const optionalText = (max: number) => text(max).nullable().default(null);
const ip = z
  .string({ message: 'an IPv4 or IPv6 address' })
  .refine((value) => isIP(value) !== 0, { message: 'an IPv4 or IPv6 address' })
  .nullable()
  .default(null);
const posture = z.boolean({ message: 'true, false or null (unknown)' }).nullable().default(null);

const location = z
  .object({ city: optionalText(128), state: optionalText(128), country: optionalText(128) }, { message: 'an object {city, state, country}' })
  .strict()
  .default({ city: null, state: null, country: null });

/** Accepts a Date or an ISO 8601 string with an offset; stores UTC with milliseconds. */
const timestamp = z
  .union([z.date(), z.string()], { message: 'an ISO 8601 date-time with offset, or a Date' })
  .transform((value, context) => {
    const date = value instanceof Date ? value : /(Z|[+-]\d\d:\d\d)$/.test(value) ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2000 || date.getUTCFullYear() > 9999) {
      context.addIssue({ code: 'custom', message: 'an ISO 8601 date-time with offset (e.g. 2026-11-26T12:00:00Z), or a Date' });
      return z.NEVER;
    }
    return date.toISOString();
  });

const enumOf = <const Values extends readonly [string, ...string[]]>(values: Values, what: string) =>
  z.enum(values, { message: `one of the ${values.length} ${what}: ${values.join(', ')}` });

export const authEventSchema = z
  .object(
    {
      schema_version: z.literal(EVENT_SCHEMA_VERSION, { message: `${EVENT_SCHEMA_VERSION}` }).default(EVENT_SCHEMA_VERSION),
      account_id: identifier('account_id'),
      txid: identifier('txid'),
      timestamp,
      event_type: enumOf(EVENT_TYPES, 'event types'),
      result: enumOf(RESULTS, 'results'),
      reason: enumOf(REASONS, 'reasons'),
      factor: enumOf(FACTORS, 'factors'),
      user: z
        .object({ key: identifier('user.key'), name: text(255), groups: z.array(text(255)).max(100, { message: 'at most 100 groups' }).default([]) }, { message: 'an object {key, name, groups}' })
        .strict(),
      application: z.object({ key: identifier('application.key'), name: text(255) }, { message: 'an object {key, name}' }).strict(),
      access_device: z
        .object(
          {
            ip,
            hostname: optionalText(255),
            location,
            os: optionalText(64),
            os_version: optionalText(64),
            browser: optionalText(64),
            browser_version: optionalText(64),
            is_encryption_enabled: posture,
            is_firewall_enabled: posture,
            is_password_set: posture,
            security_agents: z.array(text(128)).max(32, { message: 'at most 32 agents' }).default([]),
          },
          { message: 'an object describing the access device' },
        )
        .strict(),
      auth_device: z
        .object({ name: optionalText(255), ip, location }, { message: 'an object {name, ip, location} or null' })
        .strict()
        .nullable()
        .default(null),
      ood_software: optionalText(255),
    },
    { message: 'an authentication event object' },
  )
  .strict();

export type AuthEventInput = z.input<typeof authEventSchema>;
