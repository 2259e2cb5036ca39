/**
 * Replay from Kafka: moves the indexer group's offsets back so the next start re-indexes.
 *
 *   node dist/services/indexer/src/replay/main.js --earliest
 *   node dist/services/indexer/src/replay/main.js --from 2026-11-01T00:00:00Z
 *   options: --group <id> (default INDEXER_GROUP_ID), --topic <name> (default INDEXER_TOPIC)
 *
 * Stop every indexer of the group first (the command refuses otherwise), then start them again.
 * Prints the new offsets as JSON. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { commonSettings } from '../../../../shared/config/common-settings.js';
import { loadConfig } from '../../../../shared/config/load-config.js';
import { createKafka } from '../../../../shared/kafka/create-kafka.js';
import { createLogger } from '../../../../shared/log/logger.js';
import { readCommandLine } from '../../../../shared/cli/command-line.js';
import { indexerSettings } from '../indexer-settings.js';
import { resetGroupOffsets, type ReplayStart } from './reset-group-offsets.js';
import { kafkaConnection } from '../../../../shared/kafka/kafka-connection.js';
import { settingsOrExit } from '../../../../shared/config/settings-or-exit.js';
import { verifyConnections } from '../../../../shared/connections/connection-probe.js';
import { kafkaProbe } from '../../../../shared/connections/kafka-probe.js';

const REPLAY_USAGE = `usage: npm run replay -- (--earliest | --from <ISO time>) [--group <id>] [--topic <name>]

Moves the indexer group's committed offsets back so that its next start re-indexes from there.
Stop every indexer of the group first (the command refuses while the group has members).
  --earliest      from the start of the topic
  --from <time>   from the first offset at or after this time (2026-11-01T00:00:00Z)
  --group <id>    consumer group (default INDEXER_GROUP_ID)
  --topic <name>  topic (default INDEXER_TOPIC)
  --help, -h      this text
Prints the new offsets as JSON. Exit codes: 0 done, 1 failed, 2 bad usage.`;

interface ReplayArguments {
  readonly start: ReplayStart;
  readonly group?: string;
  readonly topic?: string;
}

function parseReplayArguments(argv: readonly string[]): ReplayArguments {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { earliest: { type: 'boolean' }, from: { type: 'string' }, group: { type: 'string' }, topic: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  if ((values.earliest === true) === (values.from !== undefined)) throw new Error('give exactly one of --earliest or --from <ISO time>');
  const from = values.from === undefined ? undefined : new Date(values.from);
  if (from !== undefined && Number.isNaN(from.getTime())) throw new Error(`--from ${values.from} is not a date-time`);
  return {
    start: from === undefined ? { earliest: true } : { timestamp: from },
    ...(values.group === undefined ? {} : { group: values.group }),
    ...(values.topic === undefined ? {} : { topic: values.topic }),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const line = readCommandLine({ tool: 'replay', usage: REPLAY_USAGE, argv, parse: parseReplayArguments });
  if (!line.run) return line.exitCode;
  const { start, ...flags } = line.args;
  const config = settingsOrExit('indexer-replay', () =>
    loadConfig({ ...commonSettings.kafka, LOG_LEVEL: commonSettings.ops.LOG_LEVEL, INDEXER_GROUP_ID: indexerSettings.INDEXER_GROUP_ID, INDEXER_TOPIC: indexerSettings.INDEXER_TOPIC }),
  );
  const logger = createLogger('indexer-replay', config.LOG_LEVEL);
  const connection = kafkaConnection(config);
  const kafka = createKafka({ clientId: 'authlog-indexer-replay', connection, logger });
  const admin = kafka.admin();
  const groupId = flags.group ?? config.INDEXER_GROUP_ID;
  const topic = flags.topic ?? config.INDEXER_TOPIC;
  try {
    await verifyConnections([kafkaProbe(kafka, connection)], logger);
    await admin.connect();
    const offsets = await resetGroupOffsets(admin, { groupId, topic, start });
    console.log(JSON.stringify({ groupId, topic, start: 'earliest' in start ? 'earliest' : start.timestamp.toISOString(), offsets }));
    return 0;
  } catch (error) {
    console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await admin.disconnect();
  }
}

process.exitCode = await main(process.argv.slice(2));
