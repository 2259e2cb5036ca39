import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { checkConnectionSettings } from './connection-settings.js';
import { checkProductionExceptions } from './production-exceptions.js';
import { readEnvironment, type Environment } from './environment.js';
import { isSecretSetting } from './secret-setting.js';

/**
 * Parses the environment variables named by `shape` once, at start-up. The first bad value throws
 * a ConfigError naming the variable and what it expected; the result is frozen. A secret setting
 * (secret-setting.ts) may instead be read from the file named by `<NAME>_FILE`, and its value is
 * never repeated in an error.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Environment = readEnvironment(),
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const picked: Record<string, string | undefined> = {};
  for (const [name, schema] of Object.entries(shape)) {
    // An empty variable means "not set": `FOO= npm start` should fall back to the default.
    const value = env[name] === '' ? undefined : env[name];
    if (isSecretSetting(schema)) {
      picked[name] = secretValue(name, value, env);
    } else {
      picked[name] = value;
    }
  }
  const parsed = z.object(shape).safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? '?');
    throw new ConfigError(variable, `must be ${describeExpected(issue)} (got ${shown(shape[variable], picked[variable])})`);
  }
  checkConnectionSettings(parsed.data);
  checkProductionExceptions(parsed.data);
  return Object.freeze(parsed.data);
}

/** The variable, or the contents of `<name>_FILE` without its trailing newline; both set is an error. */
function secretValue(name: string, value: string | undefined, env: Environment): string | undefined {
  const file = env[`${name}_FILE`] === '' ? undefined : env[`${name}_FILE`];
  if (file === undefined) return value;
  if (value !== undefined) throw new ConfigError(name, `and ${name}_FILE are both set: set only one`);
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(`${name}_FILE`, `must name a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}: ${file})`);
  }
}

/** The bad value as the message shows it: a secret's only by its length, so no log line holds it. */
function shown(schema: unknown, value: string | undefined): string {
  if (value === undefined || !isSecretSetting(schema)) return JSON.stringify(value);
  return `a value of ${value.length} characters, not shown`;
}

function describeExpected(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'valid';
  return issue.message.replace(/^Invalid input: /i, '');
}
