import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Logger } from '../log/logger.js';
import type { KafkaConnection } from './kafka-connection.js';
import { PATCHED_KAFKAJS_VERSION, patchKafkajsRequestQueue } from './kafkajs-request-queue-patch.js';

// Before any client exists: kafkajs issue 1751 (a negative timer on every idle connection).
const requestQueuePatch = patchKafkajsRequestQueue();
let unpatchedReported = false;

/**
 * A kafkajs client with the connection's TLS and SASL (kafka-connection.ts), whose own log lines
 * go through our JSON logger instead of kafkajs' console format. kafkajs logs retriable connection
 * errors at ERROR; they stay visible but carry the namespace so alerts can tell them apart from ours.
 */
export function createKafka(options: {
  clientId: string;
  connection: KafkaConnection;
  logger: Logger;
  /** Overrides parts of the default retry below (e.g. a loop that retries itself and wants to fail fast). */
  retry?: RetryOptions;
}): Kafka {
  const logger = options.logger.child({ component: 'kafkajs' });
  if (!requestQueuePatch.patched && !unpatchedReported) {
    unpatchedReported = true;
    logger.warn(
      { kafkajs: requestQueuePatch.version, patchedFor: PATCHED_KAFKAJS_VERSION },
      'kafkajs request-queue patch not applied (other version): check kafkajs issue 1751 before relying on it',
    );
  }
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.connection.brokers],
    ...(options.connection.ssl === undefined ? {} : { ssl: options.connection.ssl }),
    ...(options.connection.sasl === undefined ? {} : { sasl: options.connection.sasl }),
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log as unknown as Record<string, unknown>;
      const line = { namespace: entry.namespace, ...fields };
      const text = typeof message === 'string' ? message : 'kafkajs';
      if (entry.level === logLevel.ERROR) logger.error(line, text);
      else if (entry.level === logLevel.WARN) logger.warn(line, text);
      else if (entry.level === logLevel.INFO) logger.info(line, text);
      else logger.debug(line, text);
    },
    // kafkajs' own retry wraps each request; our loops add back-off and health reporting on top.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000, ...options.retry },
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
  });
}
