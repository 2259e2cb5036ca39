import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { KafkaConnectionSettings, KafkaSaslMechanism } from '../config/connection-settings.js';
import { oauthTokenProvider } from './oauth-token-command.js';

/** Brokers plus the TLS and SASL options every producer, consumer and admin client of a service shares. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly ssl?: ConnectionOptions | undefined;
  readonly sasl?: SASLOptions | undefined;
  /** For error messages: which mechanism and user the broker was asked to accept. */
  readonly mechanism: KafkaSaslMechanism;
  readonly username?: string | undefined;
}

export function kafkaConnection(settings: KafkaConnectionSettings): KafkaConnection {
  return {
    brokers: settings.AUTHLOG_KAFKA_BROKERS,
    ssl: settings.AUTHLOG_KAFKA_TLS
      ? {
          ...(settings.AUTHLOG_KAFKA_TLS_CA_FILE === undefined ? {} : { ca: settings.AUTHLOG_KAFKA_TLS_CA_FILE.contents }),
          ...(settings.AUTHLOG_KAFKA_TLS_CERT_FILE === undefined ? {} : { cert: settings.AUTHLOG_KAFKA_TLS_CERT_FILE.contents }),
          ...(settings.AUTHLOG_KAFKA_TLS_KEY_FILE === undefined ? {} : { key: settings.AUTHLOG_KAFKA_TLS_KEY_FILE.contents }),
        }
      : undefined,
    sasl: saslOptions(settings),
    mechanism: settings.AUTHLOG_KAFKA_SASL_MECHANISM,
    username: settings.AUTHLOG_KAFKA_SASL_USERNAME,
  };
}

/** A connection to plain, unauthenticated brokers (tests' private brokers, benchmarks). */
export function plainKafkaConnection(brokers: readonly string[]): KafkaConnection {
  return { brokers, mechanism: 'none' };
}

function saslOptions(settings: KafkaConnectionSettings): SASLOptions | undefined {
  const mechanism = settings.AUTHLOG_KAFKA_SASL_MECHANISM;
  // loadConfig's checkConnectionSettings made sure what each mechanism needs is set.
  const username = settings.AUTHLOG_KAFKA_SASL_USERNAME ?? '';
  const password = settings.AUTHLOG_KAFKA_SASL_PASSWORD?.reveal() ?? '';
  switch (mechanism) {
    case 'none':
      return undefined;
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
    case 'oauthbearer':
      return { mechanism: 'oauthbearer', oauthBearerProvider: oauthTokenProvider(settings.AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND ?? '') };
  }
}
