import { z } from 'zod';
import { parseIpFilter, type IpFilter } from '../../../../shared/event/ip-filter.js';

/**
 * zod building blocks for query-string parameters. A parameter may be repeated (`?results=a&results=b`)
 * or comma-separated (`?results=a,b`); both give a list. Messages say what is expected, so a 400
 * can name the field and tell the caller what to send.
 */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Repeated or comma-separated values, trimmed, blanks dropped. */
const rawList = z
  .union([z.string(), z.array(z.string())], { message: 'a comma-separated list' })
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((part) => part.split(','))
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );

/** One value only: a repeated parameter is a mistake worth reporting, not silently picking one. */
export const single = z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'a single value (given once)') });

export const enumList = <const Values extends readonly [string, ...string[]]>(values: Values, what: string, max = values.length) =>
  rawList.pipe(
    z
      .array(z.enum(values, { message: `each one of the ${values.length} ${what}: ${values.join(', ')}` }))
      .max(max, { message: `at most ${max} values` }),
  );

export const identifierList = (what: string, max = 100) =>
  rawList.pipe(
    z
      .array(z.string().regex(IDENTIFIER, { message: `each ${what} 1-64 characters of A-Z a-z 0-9 . _ : -` }))
      .max(max, { message: `at most ${max} ${what}s` }),
  );

export const ipList = (max = 20) =>
  rawList.pipe(z.array(z.string()).max(max, { message: `at most ${max} addresses or CIDR blocks` })).transform((values, context): IpFilter[] => {
    const parsed: IpFilter[] = [];
    for (const value of values) {
      const filter = parseIpFilter(value);
      if (filter === null) {
        context.addIssue({ code: 'custom', message: `an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24), not ${JSON.stringify(value.slice(0, 60))}` });
        return z.NEVER;
      }
      parsed.push(filter);
    }
    return parsed;
  });

export const booleanFlag = single.pipe(z.enum(['true', 'false'], { message: 'true or false' })).transform((value) => value === 'true');

export const boundedInt = (min: number, max: number) =>
  single
    .regex(/^\d{1,9}$/, { message: `an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { message: `an integer from ${min} to ${max}` }).max(max, { message: `at most ${max}` }));

export const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  single.pipe(z.enum(values, { message: `one of: ${values.join(', ')}` }));
