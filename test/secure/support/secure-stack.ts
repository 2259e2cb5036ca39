import { readFileSync } from 'node:fs';
import { readEnvironment } from '../../../shared/config/environment.js';
import { secureStack, type Stack } from '../../support/stack-env.js';

/**
 * The secured stack for this file's tests. Not running: the tests skip with the reason, unless
 * AUTHLOG_SECURE_STACK_REQUIRED=1 (set by .ci/run), where a missing secured stack fails the run.
 */
export function secureStackOrSkip(): Stack | undefined {
  const found = secureStack();
  if ('stack' in found) return found.stack;
  if (readEnvironment().AUTHLOG_SECURE_STACK_REQUIRED === '1') {
    throw new Error(`AUTHLOG_SECURE_STACK_REQUIRED=1 but ${found.missing}\nstart it with: scripts/stack start --secure`);
  }
  process.stderr.write(`\n[test/secure] SKIPPED: ${found.missing}\n[test/secure] start it with \`scripts/stack start --secure\` to run these tests.\n\n`);
  return undefined;
}

/** Every secret value the stack hands to services (the contents of its *_FILE variables). */
export function stackSecrets(stack: Stack): string[] {
  return Object.entries(stack.env)
    .filter(([name]) => name.endsWith('_FILE'))
    .map(([, path]) => readFileSync(path, 'utf8').trim())
    .filter((value) => value.length >= 8);
}
