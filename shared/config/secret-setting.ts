import { z } from 'zod';
import { Secret } from './secret.js';

/** The schemas made by secretSetting(): loadConfig reads their `<NAME>_FILE` and never echoes their values. */
const secretSchemas = new WeakSet<z.ZodType>();

export function isSecretSetting(schema: z.ZodType): boolean {
  return secretSchemas.has(schema);
}

/**
 * A password, key or token. It may come from the variable itself or from the file named by
 * `<NAME>_FILE` (how Docker and Kubernetes mount secrets); the value is wrapped in a Secret so
 * it cannot reach a log line by accident. There is never a default: a secret that is not set is
 * absent (optional) or an error (required).
 */
export function secretSetting(options?: { required?: false; check?: (value: string) => string | undefined }): z.ZodType<Secret | undefined, string | undefined>;
export function secretSetting(options: { required: true; check?: (value: string) => string | undefined }): z.ZodType<Secret, string>;
export function secretSetting(options: { required?: boolean; check?: (value: string) => string | undefined } = {}): z.ZodType<Secret | undefined, string | undefined> {
  const text = options.required === true ? z.string({ message: 'set (or its _FILE)' }) : z.string().optional();
  const schema = text.transform((value, context) => {
    if (value === undefined) return undefined;
    const problem = value.length === 0 ? 'not empty' : options.check?.(value);
    if (problem !== undefined) {
      context.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return new Secret(value);
  });
  secretSchemas.add(schema);
  return schema;
}
