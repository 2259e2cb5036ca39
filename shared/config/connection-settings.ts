import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { envBool, envChoice, envFile, envList, envString, envUrl } from './env-types.js';
import { envSecretValue } from './secret.js';

/**
 * How the services reach each engine, under the same names in every service (docs/deploy.md
 * shows them for MSK, Confluent Cloud, Elastic Cloud, RDS and ElastiCache). Every secret may also
 * come from `<NAME>_FILE`; every file is read once at start. The factories (shared/db,
 * shared/kafka, shared/elasticsearch, shared/redis) turn these into client options, so every
 * service builds its clients the same way.
 */
export const mysqlConnectionSettings = {
  /** mysql://user[:password]@host:port/database; AUTHLOG_MYSQL_PASSWORD, when set, replaces the password. */
  AUTHLOG_MYSQL_URL: envUrl('mysql://authlog:authlog@127.0.0.1:3306/authlog', ['mysql']),
  AUTHLOG_MYSQL_PASSWORD: envSecretValue(),
  AUTHLOG_MYSQL_TLS: envBool(false),
  /** CA of the server's certificate (RDS: the region's bundle); the system CAs when unset. */
  AUTHLOG_MYSQL_TLS_CA_FILE: envFile(),
  /** With TLS on, the certificate must name the host connected to (off only for servers addressed by a name their certificate lacks). */
  AUTHLOG_MYSQL_TLS_VERIFY_IDENTITY: envBool(true),
} as const;

export const KAFKA_SASL_MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

export const kafkaConnectionSettings = {
  AUTHLOG_KAFKA_BROKERS: envList('127.0.0.1:9092'),
  AUTHLOG_KAFKA_TLS: envBool(false),
  AUTHLOG_KAFKA_TLS_CA_FILE: envFile(),
  /** Client certificate and key (PEM) for brokers that authenticate clients by certificate. */
  AUTHLOG_KAFKA_TLS_CERT_FILE: envFile(),
  AUTHLOG_KAFKA_TLS_KEY_FILE: envFile(),
  AUTHLOG_KAFKA_SASL_MECHANISM: envChoice(KAFKA_SASL_MECHANISMS, 'none'),
  AUTHLOG_KAFKA_SASL_USERNAME: envString().optional(),
  AUTHLOG_KAFKA_SASL_PASSWORD: envSecretValue(),
  /** OAUTHBEARER: a command whose standard output is a token (e.g. an MSK IAM signer); run again when the token expires. */
  AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND: envString().optional(),
} as const;

export const elasticsearchConnectionSettings = {
  AUTHLOG_ES_URL: envUrl('http://127.0.0.1:9200', ['http', 'https']),
  /** Elastic Cloud deployment id; replaces AUTHLOG_ES_URL. */
  AUTHLOG_ES_CLOUD_ID: envString().optional(),
  /** Base64 "id:key" as Elasticsearch returns it in `encoded`. */
  AUTHLOG_ES_API_KEY: envSecretValue(),
  AUTHLOG_ES_USERNAME: envString().optional(),
  AUTHLOG_ES_PASSWORD: envSecretValue(),
  AUTHLOG_ES_CA_FILE: envFile(),
  /** SHA-256 fingerprint of the CA (as Elasticsearch prints it at first start), instead of a CA file. */
  AUTHLOG_ES_CA_FINGERPRINT: z
    .string()
    .regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, { message: 'a SHA-256 fingerprint (64 hex digits, colons allowed)' })
    .optional(),
} as const;

export const redisConnectionSettings = {
  /** redis://host:port[/db], or rediss:// for TLS. */
  AUTHLOG_REDIS_URL: envUrl('redis://127.0.0.1:6380', ['redis', 'rediss']),
  /** ACL user (Redis 6+); the password alone authenticates the default user. */
  AUTHLOG_REDIS_USERNAME: envString().optional(),
  AUTHLOG_REDIS_PASSWORD: envSecretValue(),
  AUTHLOG_REDIS_TLS_CA_FILE: envFile(),
} as const;

type Values<Shape extends z.ZodRawShape> = Readonly<z.infer<z.ZodObject<Shape>>>;
export type MysqlConnectionSettings = Values<typeof mysqlConnectionSettings>;
export type KafkaConnectionSettings = Values<typeof kafkaConnectionSettings>;
export type ElasticsearchConnectionSettings = Values<typeof elasticsearchConnectionSettings>;
export type RedisConnectionSettings = Values<typeof redisConnectionSettings>;

/**
 * Combinations no single value shows: run by loadConfig on whatever connection settings a service
 * reads, so a half-configured engine stops the process at start like a malformed value does.
 */
export function checkConnectionSettings(values: Readonly<Record<string, unknown>>): void {
  const set = (name: string) => values[name] !== undefined;
  if ('AUTHLOG_MYSQL_URL' in values && set('AUTHLOG_MYSQL_TLS_CA_FILE') && values.AUTHLOG_MYSQL_TLS !== true) {
    throw new ConfigError('AUTHLOG_MYSQL_TLS_CA_FILE', 'is set but AUTHLOG_MYSQL_TLS is not true: set AUTHLOG_MYSQL_TLS=true to use it');
  }
  if ('AUTHLOG_KAFKA_BROKERS' in values) {
    for (const name of ['AUTHLOG_KAFKA_TLS_CA_FILE', 'AUTHLOG_KAFKA_TLS_CERT_FILE', 'AUTHLOG_KAFKA_TLS_KEY_FILE']) {
      if (set(name) && values.AUTHLOG_KAFKA_TLS !== true) throw new ConfigError(name, 'is set but AUTHLOG_KAFKA_TLS is not true: set AUTHLOG_KAFKA_TLS=true to use it');
    }
    if (set('AUTHLOG_KAFKA_TLS_CERT_FILE') !== set('AUTHLOG_KAFKA_TLS_KEY_FILE')) {
      throw new ConfigError(set('AUTHLOG_KAFKA_TLS_CERT_FILE') ? 'AUTHLOG_KAFKA_TLS_KEY_FILE' : 'AUTHLOG_KAFKA_TLS_CERT_FILE', 'must be set too: a client certificate needs its key');
    }
    const mechanism = values.AUTHLOG_KAFKA_SASL_MECHANISM as KafkaSaslMechanism;
    if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
      if (!set('AUTHLOG_KAFKA_SASL_USERNAME')) throw new ConfigError('AUTHLOG_KAFKA_SASL_USERNAME', `must be set for SASL ${mechanism}`);
      if (!set('AUTHLOG_KAFKA_SASL_PASSWORD')) throw new ConfigError('AUTHLOG_KAFKA_SASL_PASSWORD', `(or AUTHLOG_KAFKA_SASL_PASSWORD_FILE) must be set for SASL ${mechanism}`);
    }
    if (mechanism === 'oauthbearer' && !set('AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND')) {
      throw new ConfigError('AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND', 'must be set for SASL oauthbearer');
    }
    if (mechanism === 'none' && (set('AUTHLOG_KAFKA_SASL_USERNAME') || set('AUTHLOG_KAFKA_SASL_PASSWORD'))) {
      throw new ConfigError('AUTHLOG_KAFKA_SASL_MECHANISM', 'must name a mechanism (plain, scram-sha-256, scram-sha-512) when a SASL username or password is set');
    }
  }
  if ('AUTHLOG_ES_URL' in values) {
    if (set('AUTHLOG_ES_API_KEY') && (set('AUTHLOG_ES_USERNAME') || set('AUTHLOG_ES_PASSWORD'))) {
      throw new ConfigError('AUTHLOG_ES_API_KEY', 'and AUTHLOG_ES_USERNAME/AUTHLOG_ES_PASSWORD are both set: use one way to authenticate');
    }
    if (set('AUTHLOG_ES_USERNAME') !== set('AUTHLOG_ES_PASSWORD')) {
      throw new ConfigError(set('AUTHLOG_ES_USERNAME') ? 'AUTHLOG_ES_PASSWORD' : 'AUTHLOG_ES_USERNAME', 'must be set too: user and password go together');
    }
    if (set('AUTHLOG_ES_CA_FILE') && set('AUTHLOG_ES_CA_FINGERPRINT')) {
      throw new ConfigError('AUTHLOG_ES_CA_FILE', 'and AUTHLOG_ES_CA_FINGERPRINT are both set: use one');
    }
  }
  if ('AUTHLOG_REDIS_URL' in values && set('AUTHLOG_REDIS_TLS_CA_FILE') && !String(values.AUTHLOG_REDIS_URL).startsWith('rediss:')) {
    throw new ConfigError('AUTHLOG_REDIS_TLS_CA_FILE', 'is set but AUTHLOG_REDIS_URL is not rediss://: use rediss:// for TLS');
  }
}
