import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { allConnectionSettings, connectionVariables } from '../../shared/config/connection-environment.js';
import { readEnvironment, type Environment } from '../../shared/config/environment.js';
import { loadConfig } from '../../shared/config/load-config.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

export type StackSettings = ReturnType<typeof loadConfig<typeof allConnectionSettings>>;

/** A stack to run services against: its settings for the tests' own clients, and the variables to hand to services. */
export interface Stack {
  readonly settings: StackSettings;
  /** The connection variables as they were given (secrets as `<NAME>_FILE` where the stack uses files). */
  readonly env: Readonly<Record<string, string>>;
}

export function stackFrom(env: Environment): Stack {
  const picked = connectionVariables(env);
  return { settings: loadConfig(allConnectionSettings, picked), env: Object.freeze(picked) };
}

/** The stack the tests run against by default: the open one (scripts/stack env), from this process' environment. */
export function openStack(): Stack {
  return stackFrom(readEnvironment());
}

/**
 * The secured stack (`scripts/stack start --secure`), or the reason it cannot be used. Its
 * settings come from `scripts/stack env --secure`, as an operator would take them.
 */
export function secureStack(): { stack: Stack } | { missing: string } {
  const script = resolve(ROOT, 'scripts', 'stack');
  const inherited = readEnvironment();
  const status = spawnSync(script, ['status', '--secure'], { encoding: 'utf8', env: { ...inherited } });
  if (status.status !== 0) return { missing: `the secured stack is not running (scripts/stack status --secure):\n${status.stdout}${status.stderr}` };
  const exports = spawnSync(script, ['env', '--secure'], { encoding: 'utf8', env: { ...inherited } });
  if (exports.status !== 0) return { missing: `scripts/stack env --secure failed: ${exports.stderr}` };
  const env: Record<string, string> = {};
  for (const line of exports.stdout.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  return { stack: stackFrom(env) };
}
