import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Pool } from 'mysql2';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import { kafkaProbe } from '../../../shared/connections/kafka-probe.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { RelayDatabase } from './relay-database.js';
import type { RelaySettings } from './relay-settings.js';

/** The relay's connections, built in main.ts like every service's; the RelayService owns and closes them. */
export interface RelayClients {
  readonly db: Kysely<RelayDatabase>;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly probes: readonly ConnectionProbe[];
}

export function createRelayClients(settings: RelaySettings, logger: Logger): RelayClients {
  const mysql = mysqlConnection(settings);
  const { db, pool } = createDatabase<RelayDatabase>({
    connection: mysql,
    connectionLimit: settings.RELAY_MYSQL_CONNECTIONS,
    pool: { connectTimeout: 5000 },
  });
  // READ COMMITTED: no gap locks, and a statement never waits for rows it does not touch (with
  // REPEATABLE READ a DELETE that scans a small outbox waits for a writer's uncommitted row).
  pool.on('connection', (connection) => {
    connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  });
  const connection = kafkaConnection(settings);
  const kafka = createKafka({
    clientId: `authlog-relay-${settings.RELAY_INSTANCE_NAME}`,
    connection,
    logger,
    // Fail a send within seconds: the relay retries the same batch itself, with back-off and health.
    retry: { retries: 4, maxRetryTime: 2000 },
  });
  return { db, pool, kafka, probes: [mysqlProbe(pool, mysql), kafkaProbe(kafka, connection)] };
}
