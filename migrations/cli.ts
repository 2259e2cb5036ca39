/**
 * Migration command line:  npm run migrate -- <latest|up|down|status>
 *   latest  apply every pending migration (what deploys run)
 *   up      apply the next pending one
 *   down    revert the last applied one
 *   status  list migrations and whether each is applied; exit 1 if any is pending
 * The database comes from AUTHLOG_MYSQL_URL. Any failure exits non-zero with the migration's name.
 */
import { z } from 'zod';
import { commonSettings } from '../shared/config/common-settings.js';
import { loadConfig } from '../shared/config/load-config.js';
import { settingsOrExit } from '../shared/config/settings-or-exit.js';
import { verifyConnections } from '../shared/connections/connection-probe.js';
import { mysqlProbe } from '../shared/connections/mysql-probe.js';
import { createDatabase } from '../shared/db/create-database.js';
import { redactUrl, silentLogger } from '../shared/log/logger.js';
import { createMigrator, runMigrations } from './migrate.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';

const COMMANDS = ['latest', 'up', 'down', 'status'] as const;

async function main(argv: readonly string[]): Promise<number> {
  const command = z.enum(COMMANDS).safeParse(argv[0] ?? 'status');
  if (!command.success) {
    console.error(`usage: migrate <${COMMANDS.join('|')}>  (got "${argv[0]}")`);
    return 2;
  }
  const config = settingsOrExit('migrate', () => loadConfig(commonSettings.mysql));
  const connection = mysqlConnection(config);
  const { db, pool } = createDatabase<unknown>({ connection, connectionLimit: 1 });
  try {
    // A refused password or certificate is reported naming the setting, not as a driver message.
    await verifyConnections([mysqlProbe(pool, connection)], silentLogger);
    if (command.data === 'status') {
      const all = await createMigrator(db).getMigrations();
      for (const migration of all) console.log(`${migration.executedAt === undefined ? 'pending ' : 'applied '} ${migration.name}`);
      return all.some((migration) => migration.executedAt === undefined) ? 1 : 0;
    }
    const results = await runMigrations(db, command.data);
    if (results.length === 0) console.log(`nothing to do (${redactUrl(config.AUTHLOG_MYSQL_URL)})`);
    for (const result of results) console.log(`${result.direction === 'Up' ? 'applied ' : 'reverted'} ${result.migrationName}`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main(process.argv.slice(2));
