import { inspect } from 'node:util';
import { z } from 'zod';
import { secretProblem, secretSetting } from './secret-setting.js';

const REDACTED = '[redacted]';

/**
 * A secret setting's value. It prints, serialises and inspects as "[redacted]", so a settings
 * object or an error that carries one can be logged without leaking it; `reveal()` is the one
 * way to the text, called where the secret is handed to a client.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * A secret setting whose value is wrapped in a Secret (it prints as "[redacted]"), for credentials
 * handed to clients (engine passwords, API keys) and key material. Marked with secretSetting(),
 * so loadConfig also reads it from `<NAME>_FILE` and never shows it in an error. Values are checked
 * by secretProblem() (no placeholder, at least `minLength` characters: 8 by default, since an
 * engine's password rules are the engine's) unless `check` replaces it.
 */
export function envSecretValue(options?: { required?: false; minLength?: number; check?: (value: string) => string | undefined }): z.ZodType<Secret | undefined, string | undefined>;
export function envSecretValue(options: { required: true; minLength?: number; check?: (value: string) => string | undefined }): z.ZodType<Secret, string>;
export function envSecretValue(options: { required?: boolean; minLength?: number; check?: (value: string) => string | undefined } = {}): z.ZodType<Secret | undefined, string | undefined> {
  const check = options.check ?? ((value: string) => secretProblem(value, options.minLength ?? 8));
  const text = options.required === true ? z.string({ message: 'set (or its _FILE)' }) : z.string().optional();
  return secretSetting(
    text.transform((value, context) => {
      if (value === undefined) return undefined;
      const problem = check(value);
      if (problem !== undefined) {
        context.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return new Secret(value);
    }),
  );
}
