import { createScratchDatabase, type ScratchDatabase } from '../../testing/scratch-database.js';
import { testSettings } from './settings.js';
import { mysqlConnection } from '../../shared/db/mysql-connection.js';

export type TestDatabase = ScratchDatabase;

/** A fresh database (authlog_t_<random>) with every migration applied, or none when `migrate` is false. */
export function createTestDatabase(options: { migrate?: boolean; connectionLimit?: number } = {}): Promise<TestDatabase> {
  return createScratchDatabase({ server: mysqlConnection(testSettings), ...options });
}
