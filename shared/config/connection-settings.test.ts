import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { mysqlConnection } from '../db/mysql-connection.js';
import { elasticsearchConnection } from '../elasticsearch/elasticsearch-connection.js';
import { kafkaConnection } from '../kafka/kafka-connection.js';
import { redisConnection } from '../redis/redis-connection.js';
import { allConnectionSettings, connectionVariables } from './connection-environment.js';
import { loadConfig } from './load-config.js';

const folder = mkdtempSync(join(tmpdir(), 'authlog-settings-'));
const file = (name: string, contents: string) => {
  const path = join(folder, name);
  writeFileSync(path, contents);
  return path;
};
const load = (env: Record<string, string>) => loadConfig(allConnectionSettings, env);
const configError = (env: Record<string, string>): ConfigError => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('connection settings', () => {
  it('default to the open local stack: no TLS, no credentials', () => {
    const settings = load({});
    expect(kafkaConnection(settings)).toMatchObject({ brokers: ['127.0.0.1:9092'], ssl: undefined, sasl: undefined });
    expect(mysqlConnection(settings).tls).toBeUndefined();
    expect(elasticsearchConnection(settings).options).toEqual({ node: 'http://127.0.0.1:9200' });
    expect(redisConnection(settings).options).toEqual({ host: '127.0.0.1', port: 6380, db: 0 });
  });

  it('read a secret from <NAME>_FILE (trailing newline dropped) and never print it', () => {
    const settings = load({ AUTHLOG_KAFKA_SASL_MECHANISM: 'scram-sha-512', AUTHLOG_KAFKA_SASL_USERNAME: 'app', AUTHLOG_KAFKA_SASL_PASSWORD_FILE: file('kafka', 's3cret-from-file\n') });
    expect(settings.AUTHLOG_KAFKA_SASL_PASSWORD?.reveal()).toBe('s3cret-from-file');
    for (const printed of [JSON.stringify(settings), String(settings.AUTHLOG_KAFKA_SASL_PASSWORD), inspect(settings, { depth: 5 })]) {
      expect(printed).not.toContain('s3cret');
      expect(printed).toContain('[redacted]');
    }
    expect(kafkaConnection(settings).sasl).toEqual({ mechanism: 'scram-sha-512', username: 'app', password: 's3cret-from-file' });
  });

  it('name the variable when a secret file is missing, or when both the variable and its file are set', () => {
    expect(configError({ AUTHLOG_MYSQL_PASSWORD_FILE: join(folder, 'absent') })).toMatchObject({ variable: 'AUTHLOG_MYSQL_PASSWORD_FILE' });
    expect(configError({ AUTHLOG_MYSQL_PASSWORD: 'x', AUTHLOG_MYSQL_PASSWORD_FILE: file('pw', 'y') }).message).toContain('AUTHLOG_MYSQL_PASSWORD and AUTHLOG_MYSQL_PASSWORD_FILE are both set');
  });

  it('never echo a rejected secret value, and refuse placeholders and short values', () => {
    for (const bad of ['short', 'change-me-please', 'password']) {
      const error = configError({ AUTHLOG_REDIS_PASSWORD_FILE: file('bad', `${bad}\n`) });
      expect(error.variable).toBe('AUTHLOG_REDIS_PASSWORD');
      expect(error.message).toContain('not shown');
      expect(error.message).not.toContain(bad);
    }
  });

  it('build TLS and SASL options for Kafka from files and the mechanism', () => {
    const ca = file('ca.pem', 'CA PEM');
    const settings = load({
      AUTHLOG_KAFKA_BROKERS: 'b-1.example:9096, b-2.example:9096',
      AUTHLOG_KAFKA_TLS: 'true',
      AUTHLOG_KAFKA_TLS_CA_FILE: ca,
      AUTHLOG_KAFKA_TLS_CERT_FILE: file('client.pem', 'CERT'),
      AUTHLOG_KAFKA_TLS_KEY_FILE: file('client.key', 'KEY'),
      AUTHLOG_KAFKA_SASL_MECHANISM: 'plain',
      AUTHLOG_KAFKA_SASL_USERNAME: 'KEY123',
      AUTHLOG_KAFKA_SASL_PASSWORD: 'pw-9fK2xQ7m',
    });
    const connection = kafkaConnection(settings);
    expect(connection.brokers).toEqual(['b-1.example:9096', 'b-2.example:9096']);
    expect(connection.ssl).toEqual({ ca: Buffer.from('CA PEM'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') });
    expect(connection.sasl).toEqual({ mechanism: 'plain', username: 'KEY123', password: 'pw-9fK2xQ7m' });
  });

  it('refuse half-configured engines, naming the missing or conflicting setting', () => {
    expect(configError({ AUTHLOG_KAFKA_SASL_MECHANISM: 'scram-sha-256', AUTHLOG_KAFKA_SASL_USERNAME: 'app' }).variable).toBe('AUTHLOG_KAFKA_SASL_PASSWORD');
    expect(configError({ AUTHLOG_KAFKA_SASL_MECHANISM: 'scram-sha-256', AUTHLOG_KAFKA_SASL_PASSWORD: 'pw-9fK2xQ7m' }).variable).toBe('AUTHLOG_KAFKA_SASL_USERNAME');
    expect(configError({ AUTHLOG_KAFKA_SASL_MECHANISM: 'oauthbearer' }).variable).toBe('AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND');
    expect(configError({ AUTHLOG_KAFKA_SASL_MECHANISM: 'gssapi' }).message).toContain('one of none, plain, scram-sha-256, scram-sha-512, oauthbearer');
    expect(configError({ AUTHLOG_KAFKA_TLS_CA_FILE: file('ca2', 'x') }).variable).toBe('AUTHLOG_KAFKA_TLS_CA_FILE');
    expect(configError({ AUTHLOG_KAFKA_TLS: 'true', AUTHLOG_KAFKA_TLS_CERT_FILE: file('c', 'x') }).variable).toBe('AUTHLOG_KAFKA_TLS_KEY_FILE');
    expect(configError({ AUTHLOG_ES_API_KEY: 'a2V5LWlkOmtleS12YWx1ZQ==', AUTHLOG_ES_USERNAME: 'u', AUTHLOG_ES_PASSWORD: 'pw-9fK2xQ7m' }).variable).toBe('AUTHLOG_ES_API_KEY');
    expect(configError({ AUTHLOG_ES_USERNAME: 'u' }).variable).toBe('AUTHLOG_ES_PASSWORD');
    expect(configError({ AUTHLOG_ES_CA_FINGERPRINT: 'abc' }).variable).toBe('AUTHLOG_ES_CA_FINGERPRINT');
    expect(configError({ AUTHLOG_REDIS_TLS_CA_FILE: file('ca3', 'x') }).variable).toBe('AUTHLOG_REDIS_TLS_CA_FILE');
    expect(configError({ AUTHLOG_MYSQL_TLS_CA_FILE: file('ca4', 'x') }).variable).toBe('AUTHLOG_MYSQL_TLS_CA_FILE');
    expect(configError({ AUTHLOG_MYSQL_TLS: 'true', AUTHLOG_MYSQL_TLS_CA_FILE: join(folder, 'nope.pem') }).variable).toBe('AUTHLOG_MYSQL_TLS_CA_FILE');
  });

  it('let the password setting win over a password in the MySQL and Redis URLs, and verify identity by default', () => {
    const settings = load({
      AUTHLOG_MYSQL_URL: 'mysql://app:in-url@db.example:3306/authlog',
      AUTHLOG_MYSQL_PASSWORD: 'from-setting',
      AUTHLOG_MYSQL_TLS: 'true',
      AUTHLOG_REDIS_URL: 'rediss://user:in-url@cache.example:6379/2',
      AUTHLOG_REDIS_PASSWORD: 'from-setting',
      AUTHLOG_REDIS_TLS_CA_FILE: file('ca5', 'CA'),
    });
    const mysql = mysqlConnection(settings);
    expect(mysql.password?.reveal()).toBe('from-setting');
    expect(mysql.tls).toEqual({ ca: undefined, verifyIdentity: true });
    const redis = redisConnection(settings);
    expect(redis.options).toEqual({ host: 'cache.example', port: 6379, db: 2, username: 'user', password: 'from-setting', tls: { ca: Buffer.from('CA') } });
    expect(redis.display).not.toContain('in-url');
  });

  it('use an Elastic Cloud id instead of the URL, with an API key and a CA fingerprint', () => {
    const fingerprint = 'AB:'.repeat(31) + 'CD';
    const settings = load({ AUTHLOG_ES_CLOUD_ID: 'deployment:ZXhhbXBsZQ==', AUTHLOG_ES_API_KEY: 'a2V5LWlkOmtleS12YWx1ZQ==', AUTHLOG_ES_CA_FINGERPRINT: fingerprint });
    expect(elasticsearchConnection(settings)).toEqual({ options: { cloud: { id: 'deployment:ZXhhbXBsZQ==' }, auth: { apiKey: 'a2V5LWlkOmtleS12YWx1ZQ==' }, caFingerprint: fingerprint }, auth: 'api-key' });
  });

  it('hand on only connection variables, files included', () => {
    expect(connectionVariables({ AUTHLOG_MYSQL_PASSWORD_FILE: '/run/secrets/db', AUTHLOG_ES_URL: 'https://es', PATH: '/bin', RELAY_TOPIC: 't', AUTHLOG_KAFKA_TLS: '' })).toEqual({
      AUTHLOG_MYSQL_PASSWORD_FILE: '/run/secrets/db',
      AUTHLOG_ES_URL: 'https://es',
    });
  });
});
