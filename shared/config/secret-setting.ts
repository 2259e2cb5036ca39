import { z } from 'zod';

/**
 * A secret read from a setting (an HMAC key, a password): never a working default, never a value
 * copied from an example, never echoed in an error. The process refuses to start with a value that
 * is too short or reads like a placeholder, naming the variable (loadConfig does the naming).
 */
const PLACEHOLDER = /change[-_ ]?(me|it)|replace[-_ ]?me|placeholder|your[-_ ]?(own[-_ ]?)?(secret|password|key)|example|dummy|insecure|do[-_ ]?not[-_ ]?use|^(secret|password|default|test)$/i;

const secretSchemas = new WeakSet<z.ZodType>();

/** Whether loadConfig must keep this setting's value out of its error messages. */
export function isSecretSetting(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && secretSchemas.has(schema as z.ZodType);
}

/** Why `value` is not acceptable as a secret, or undefined when it is. */
export function secretProblem(value: string, minLength: number): string | undefined {
  if (value.length < minLength) return `at least ${minLength} characters (got ${value.length})`;
  if (PLACEHOLDER.test(value)) return 'a real secret, not a placeholder copied from an example (e.g. openssl rand -base64 32)';
  // 32 characters of "aaaa..." or "0123..." pass the length check but are no secret.
  if (new Set(value).size < Math.min(8, minLength)) return 'a random value (too few distinct characters)';
  return undefined;
}

/**
 * The setting of one secret. Required unless `optional` (then a service must decide what no value
 * means, e.g. a random key per process, and say so in its log).
 */
export function envSecret(options: { minLength?: number } = {}) {
  const minLength = options.minLength ?? 32;
  const schema = z.string({ message: 'set (a secret; see the README)' }).superRefine((value, context) => {
    const problem = secretProblem(value, minLength);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });
  secretSchemas.add(schema);
  return schema;
}

/** envSecret that may be left unset. */
export function envOptionalSecret(options: { minLength?: number } = {}) {
  const schema = envSecret(options).optional();
  secretSchemas.add(schema);
  return schema;
}

/** Marks any setting (e.g. a list of secrets) as secret, so its value never appears in an error. */
export function secretSetting<Schema extends z.ZodType>(schema: Schema): Schema {
  secretSchemas.add(schema);
  return schema;
}
