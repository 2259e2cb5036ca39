import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { readEnvironment, type Environment } from './environment.js';

/**
 * Parses the environment variables named by `shape` once, at start-up. The first bad value throws
 * a ConfigError naming the variable and what it expected; the result is frozen.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Environment = readEnvironment(),
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const picked: Record<string, string | undefined> = {};
  for (const name of Object.keys(shape)) {
    const value = env[name];
    // An empty variable means "not set": `FOO= npm start` should fall back to the default.
    picked[name] = value === '' ? undefined : value;
  }
  const parsed = z.object(shape).safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? '?');
    throw new ConfigError(variable, `must be ${describeExpected(issue)} (got ${JSON.stringify(picked[variable])})`);
  }
  return Object.freeze(parsed.data);
}

function describeExpected(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'valid';
  return issue.message.replace(/^Invalid input: /i, '');
}
