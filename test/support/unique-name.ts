import { randomBytes } from 'node:crypto';

/**
 * A name no other test (or earlier run) uses: every test gets its own database, topic, consumer
 * group, index prefix or Redis prefix, so tests can run in parallel and leftovers never collide.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
