import type { Kysely } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { AuthlogError } from '../shared/errors/authlog-error.js';
import { migrations } from './index.js';

export class MigrationError extends AuthlogError {
  readonly code = 'MIGRATION_FAILED';
  readonly retryable = false;

  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`migration ${migration ?? '(none)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function createMigrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Runs a migration step and throws MigrationError unless every migration it attempted succeeded. */
export async function runMigrations(
  db: Kysely<unknown>,
  direction: 'latest' | 'down' | 'up',
): Promise<NonNullable<MigrationResultSet['results']>> {
  const migrator = createMigrator(db);
  const outcome =
    direction === 'latest' ? await migrator.migrateToLatest() : direction === 'up' ? await migrator.migrateUp() : await migrator.migrateDown();
  if (outcome.error !== undefined) {
    const failed = outcome.results?.find((result) => result.status === 'Error');
    throw new MigrationError(failed?.migrationName, outcome.error);
  }
  return outcome.results ?? [];
}
