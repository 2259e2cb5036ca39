/**
 * Migration command line:  npm run migrate -- <latest|up|down|status>  (MIGRATE_USAGE below).
 * Any failure exits non-zero with the migration's name.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readCommandLine } from '../shared/cli/command-line.js';
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
type Command = (typeof COMMANDS)[number];

const MIGRATE_USAGE = `usage: npm run migrate -- [latest|up|down|status]

  latest  apply every pending migration (what deploys run)
  up      apply the next pending one
  down    revert the last applied one
  status  list migrations and whether each is applied; exit 1 if any is pending (the default)
  --help  this text

The database comes from the AUTHLOG_MYSQL_* settings (docs/deploy.md).`;

function parseMigrateArguments(argv: readonly string[]): Command {
  const { positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new Error(`one command at a time (got ${positionals.join(' ')})`);
  const command = z.enum(COMMANDS).safeParse(positionals[0] ?? 'status');
  if (!command.success) throw new Error(`unknown command "${positionals[0]}"`);
  return command.data;
}

async function main(argv: readonly string[]): Promise<number> {
  const line = readCommandLine({ tool: 'migrate', usage: MIGRATE_USAGE, argv, parse: parseMigrateArguments });
  if (!line.run) return line.exitCode;
  const command = line.args;
  const config = settingsOrExit('migrate', () => loadConfig(commonSettings.mysql));
  const connection = mysqlConnection(config);
  const { db, pool } = createDatabase<unknown>({ connection, connectionLimit: 1 });
  try {
    // A refused password or certificate is reported naming the setting, not as a driver message.
    await verifyConnections([mysqlProbe(pool, connection)], silentLogger);
    if (command === 'status') {
      const all = await createMigrator(db).getMigrations();
      for (const migration of all) console.log(`${migration.executedAt === undefined ? 'pending ' : 'applied '} ${migration.name}`);
      return all.some((migration) => migration.executedAt === undefined) ? 1 : 0;
    }
    const results = await runMigrations(db, command);
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
