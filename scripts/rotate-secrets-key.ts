/**
 * npm run rotate-secrets-key -- [--dry-run] [--decrypt]
 * Re-encrypts every stored webhook signing secret and endpoint custom headers under the first key
 * of AUTHLOG_ENCRYPTION_KEYS (plaintext secrets from before encryption included). See --help.
 */
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { mysqlConnectionSettings } from '../shared/config/connection-settings.js';
import { readCommandLine } from '../shared/cli/command-line.js';
import { loadConfig } from '../shared/config/load-config.js';
import { settingsOrExit } from '../shared/config/settings-or-exit.js';
import { verifyConnections } from '../shared/connections/connection-probe.js';
import { mysqlProbe } from '../shared/connections/mysql-probe.js';
import { encryptionSettings, keyRingOf } from '../shared/crypto/encryption-settings.js';
import { createDatabase } from '../shared/db/create-database.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';
import { silentLogger } from '../shared/log/logger.js';
import { resealHeaders } from '../shared/webhooks/headers/header-resealer.js';
import { resealSecrets } from '../shared/webhooks/secret-resealer.js';
import type { WebhooksDatabase } from '../shared/webhooks/webhook-tables.js';

const USAGE = `usage: npm run rotate-secrets-key -- [--dry-run] [--decrypt]

Re-encrypts the stored webhook signing secrets and the endpoints' custom headers under the first
key of AUTHLOG_ENCRYPTION_KEYS (or AUTHLOG_ENCRYPTION_KEYS_FILE), a comma-separated list of
id:base64key, newest first. Secrets from before encryption are encrypted too. The database comes
from the AUTHLOG_MYSQL_* settings.

To rotate the key:
  1. make a key:   echo "k2:$(openssl rand -base64 32)"
  2. put it first in AUTHLOG_ENCRYPTION_KEYS, keep the old one after it ("k2:...,k1:..."), and
     roll the webhook API and dispatcher out (they open both, encrypt with k2)
  3. run this command (safe while the services run; a second run finds nothing to do)
  4. drop k1 from AUTHLOG_ENCRYPTION_KEYS and roll out again

  --dry-run   count what would change, change nothing
  --decrypt   write every signing secret back as plaintext (only before migrating 2026-12-02-01
              down); custom headers stay sealed (they have no plaintext column): remove them
              through the API before migrating 2026-12-08-61 down
  --help, -h  this text`;

async function main(argv: readonly string[]): Promise<number> {
  const line = readCommandLine({
    tool: 'rotate-secrets-key',
    usage: USAGE,
    argv,
    parse: (args) => parseArgs({ args: [...args], strict: true, options: { 'dry-run': { type: 'boolean' }, decrypt: { type: 'boolean' } } }).values,
  });
  if (!line.run) return line.exitCode;
  const flags = line.args;
  const settings = settingsOrExit('rotate-secrets-key', () => loadConfig({ ...mysqlConnectionSettings, ...encryptionSettings }));
  const keys = keyRingOf(settings);
  const connection = mysqlConnection(settings);
  const { db, pool } = createDatabase<WebhooksDatabase>({ connection, connectionLimit: 2 });
  try {
    await verifyConnections([mysqlProbe(pool, connection)], silentLogger);
    const dryRun = flags['dry-run'] === true;
    const summary = await resealSecrets(db as Kysely<WebhooksDatabase>, keys, { decrypt: flags.decrypt === true, dryRun });
    const headers = flags.decrypt === true ? { headersResealed: 0 } : await resealHeaders(db as Kysely<WebhooksDatabase>, keys, { dryRun });
    process.stdout.write(`${JSON.stringify({ currentKeyId: keys.currentKeyId, dryRun, ...summary, ...headers })}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`rotate-secrets-key failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main(process.argv.slice(2));
