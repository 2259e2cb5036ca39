import { readFileSync } from 'node:fs';
import { Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { allConnectionSettings } from '../../shared/config/connection-environment.js';
import { loadConfig } from '../../shared/config/load-config.js';
import { elasticsearchProbe } from '../../shared/connections/elasticsearch-probe.js';
import { createElasticsearch } from '../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../shared/elasticsearch/elasticsearch-connection.js';
import { fingerprintOf, pinCaFingerprint } from '../../shared/elasticsearch/pinned-ca.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { ensureTopic } from '../../shared/kafka/topics.js';
import { silentLogger } from '../../shared/log/logger.js';
import { uniqueName } from '../support/unique-name.js';
import { secureStackOrSkip } from './support/secure-stack.js';

/**
 * The other ways in that production clusters use, each against the secured engines: Kafka SASL
 * SCRAM-SHA-256, PLAIN, OAUTHBEARER from a token command and a client certificate (MSK, Confluent
 * Cloud, Strimzi), Elasticsearch by CA fingerprint (what a fresh 8.x cluster prints) and with an
 * API key it does not know.
 */
const stack = secureStackOrSkip();
const env = stack?.env ?? {};
const tlsDir = env.AUTHLOG_KAFKA_TLS_CA_FILE?.replace(/\/ca\.crt$/, '') ?? '';
const settings = (change: Record<string, string | undefined>) => {
  const merged: Record<string, string> = { ...env };
  for (const [name, value] of Object.entries(change)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return loadConfig(allConnectionSettings, merged);
};
const topic = uniqueName('secure-mechanisms');
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

/** Produces one message and reads it back through a client built from these settings. */
async function roundTrip(change: Record<string, string | undefined>): Promise<string> {
  const kafka = createKafka({ clientId: 'secure-mechanisms', connection: kafkaConnection(settings(change)), logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopic(admin, topic, { partitions: 1 });
  await admin.disconnect();
  const value = `hello ${Math.random()}`;
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages: [{ value }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName('secure-mechanisms') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Promise<string>((resolve) => {
    void consumer.run({ eachMessage: async ({ message }) => (message.value?.toString() === value ? resolve(value) : undefined) });
  });
  try {
    return await seen;
  } finally {
    await consumer.disconnect();
  }
}

describe.skipIf(stack === undefined)('Kafka SASL mechanisms and TLS options on the secured broker', () => {
  cleanup.push(async () => {
    const admin = createKafka({ clientId: 'cleanup', connection: kafkaConnection(settings({})), logger: silentLogger }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('SCRAM-SHA-256', async () => {
    expect(await roundTrip({ AUTHLOG_KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toMatch(/^hello/);
  }, 60_000);

  it('PLAIN', async () => {
    expect(await roundTrip({ AUTHLOG_KAFKA_SASL_MECHANISM: 'plain' })).toMatch(/^hello/);
  }, 60_000);

  it('OAUTHBEARER with a token from a command (an unsigned JWT the broker accepts in this stack)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = [{ alg: 'none' }, { sub: 'authlog', iat: now, exp: now + 3600 }].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.';
    expect(
      await roundTrip({
        AUTHLOG_KAFKA_SASL_MECHANISM: 'oauthbearer',
        AUTHLOG_KAFKA_SASL_USERNAME: undefined,
        AUTHLOG_KAFKA_SASL_PASSWORD_FILE: undefined,
        AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND: `printf '%s' '${jwt}'`,
      }),
    ).toMatch(/^hello/);
  }, 60_000);

  it('a client certificate and key (mutual TLS) next to SCRAM', async () => {
    expect(await roundTrip({ AUTHLOG_KAFKA_TLS_CERT_FILE: `${tlsDir}/client.crt`, AUTHLOG_KAFKA_TLS_KEY_FILE: `${tlsDir}/client.key` })).toMatch(/^hello/);
  }, 60_000);
});

describe.skipIf(stack === undefined)('Elasticsearch TLS and credential options on the secured cluster', () => {
  it('trusts the cluster by the CA fingerprint instead of a CA file', async () => {
    const fingerprint = fingerprintOf(readFileSync(env.AUTHLOG_ES_CA_FILE ?? ''));
    const pinned = await pinCaFingerprint(elasticsearchConnection(settings({ AUTHLOG_ES_CA_FILE: undefined, AUTHLOG_ES_CA_FINGERPRINT: fingerprint })));
    expect(pinned.options.caFingerprint).toBeUndefined();
    const client = createElasticsearch({ connection: pinned });
    cleanup.push(() => client.close());
    expect((await client.cluster.health()).status).toMatch(/green|yellow/);
  });

  it('refuses a fingerprint that matches nothing in the chain, naming AUTHLOG_ES_CA_FINGERPRINT', async () => {
    const other = `${'AB:'.repeat(31)}CD`;
    await expect(pinCaFingerprint(elasticsearchConnection(settings({ AUTHLOG_ES_CA_FILE: undefined, AUTHLOG_ES_CA_FINGERPRINT: other })))).rejects.toMatchObject({
      variable: 'AUTHLOG_ES_CA_FINGERPRINT',
    });
  });

  it('an API key the cluster does not know names AUTHLOG_ES_API_KEY', async () => {
    const change = { AUTHLOG_ES_USERNAME: undefined, AUTHLOG_ES_PASSWORD_FILE: undefined, AUTHLOG_ES_API_KEY_FILE: undefined, AUTHLOG_ES_API_KEY: Buffer.from('unknown-id:unknown-key').toString('base64') };
    const connection = elasticsearchConnection(settings(change));
    const client = createElasticsearch({ connection });
    cleanup.push(() => client.close());
    const probe = elasticsearchProbe(client, connection);
    const failure = await probe.run().then(() => undefined, (error: unknown) => error);
    expect(probe.explain(failure)).toMatchObject({ engine: 'elasticsearch', variable: 'AUTHLOG_ES_API_KEY' });
  });
});
