import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Building blocks for service settings, one per kind of value, each with a message that tells the
 * operator what to write. Defaults match the local stack (scripts/stack).
 */
export const envInt = (fallback: number, range: { min?: number; max?: number } = {}) =>
  z.coerce
    .number({ message: 'an integer' })
    .int({ message: 'an integer' })
    .min(range.min ?? Number.MIN_SAFE_INTEGER, { message: `an integer >= ${range.min}` })
    .max(range.max ?? Number.MAX_SAFE_INTEGER, { message: `an integer <= ${range.max}` })
    .default(fallback);

export const envString = (fallback?: string) =>
  fallback === undefined ? z.string({ message: 'set' }).min(1) : z.string().min(1).default(fallback);

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

export const envUrl = (fallback: string, protocols: readonly string[]) =>
  z
    .string()
    .default(fallback)
    .refine(
      (value) => URL.canParse(value) && protocols.includes(new URL(value).protocol.replace(/:$/, '')),
      { message: `a URL with scheme ${protocols.join(' or ')}` },
    );

/** Comma-separated list, blanks dropped: `a, b,,c` is `['a','b','c']`. */
export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    );

export const envLogLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'a log level (info, debug, ...)' }).default('info');

/** A file read once at start (a CA certificate, a client certificate or key): its path and contents, or undefined when unset. */
export const envFile = () =>
  z
    .string()
    .optional()
    .transform((path, context) => {
      if (path === undefined) return undefined;
      try {
        return { path, contents: readFileSync(path) };
      } catch (error) {
        context.addIssue({ code: 'custom', message: `a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` });
        return z.NEVER;
      }
    });

export interface FileSetting {
  readonly path: string;
  readonly contents: Buffer;
}

/** One of a fixed list of words, e.g. a SASL mechanism. */
export const envChoice = <const Choices extends readonly [string, ...string[]]>(choices: Choices, fallback: Choices[number]) =>
  z.enum(choices, { message: `one of ${choices.join(', ')}` }).default(fallback as never);
