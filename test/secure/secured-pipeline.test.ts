import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../shared/crypto/key-ring.js';
import type { WebhooksDatabase } from '../../shared/webhooks/webhook-tables.js';
import { eventually, sendLogins } from '../e2e/support/logins.js';
import { PipelineHarness, type PipelineService } from '../support/pipeline-harness.js';
import { secureStackOrSkip, stackSecrets } from './support/secure-stack.js';
import { sql, type Kysely } from 'kysely';

/**
 * The whole pipeline on the secured stack (scripts/stack start --secure): every service reaches
 * MySQL over TLS as a REQUIRE SSL user, Kafka over SASL_SSL with SCRAM-SHA-512, Elasticsearch over
 * HTTPS with credentials, Redis over TLS as an ACL user; every secret comes from a file. Logins go
 * through to Elasticsearch and to a webhook receiver that verifies the signatures made with the
 * encrypted-at-rest secret, and no secret appears in any service's log.
 */
const stack = secureStackOrSkip();
const LOGINS = 120;
const ACCOUNTS = ['acct_secure_a', 'acct_secure_b'];
const SERVICES: PipelineService[] = ['demo-receiver', 'webhook-api', 'webhook-dispatcher', 'indexer', 'relay', 'reports', 'auth-demo'];
let harness: PipelineHarness;
let apiKey: string;
const keysFile = join(mkdtempSync(join(tmpdir(), 'authlog-secure-')), 'encryption-keys');

describe.skipIf(stack === undefined)('the pipeline on the secured stack', () => {
  beforeAll(async () => {
    if (stack === undefined) return;
    writeFileSync(keysFile, `${KeyRing.generateEntry('e2e')}\n`, { mode: 0o600 });
    harness = await PipelineHarness.start({ services: SERVICES, stack, encryptionKeysFile: keysFile });
    apiKey = await harness.createApiKey('acct_secure_a');
    const response = await fetch(`${harness.url('webhook-api')}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${harness.url('demo-receiver')}/hook`, secret: harness.receiverSecret }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  }, 240_000);

  afterAll(() => harness?.shutdown(), 120_000);

  it('indexes every login and delivers every webhook over TLS with real credentials', async () => {
    const answers = await sendLogins(harness.url('auth-demo'), { count: LOGINS, accounts: ACCOUNTS });
    expect(answers.filter((answer) => answer.status !== 201)).toEqual([]);
    const committed = await harness.database.db.selectFrom('authlog').select(['txid', 'account_id']).execute();
    expect(committed).toHaveLength(LOGINS);

    const es = harness.elasticsearch;
    const indexed = async () => {
      await es.indices.refresh({ index: harness.names.pattern, ignore_unavailable: true, allow_no_indices: true });
      return (await es.count({ index: harness.names.alias, ignore_unavailable: true, allow_no_indices: true })).count;
    };
    await eventually(`${LOGINS} documents in the secured Elasticsearch`, async () => (await indexed()) >= LOGINS);
    expect(await indexed()).toBe(LOGINS);

    // The demo receiver verifies each signature with the secret the API stored encrypted.
    const due = committed.filter((row) => row.account_id === 'acct_secure_a').map((row) => row.txid).sort();
    const received = async () => (await (await fetch(`${harness.url('demo-receiver')}/received`)).json()) as string[];
    await eventually(`${due.length} verified webhooks`, async () => (await received()).length >= due.length);
    expect((await received()).sort()).toEqual(due);

    const stored = await (harness.database.db as unknown as Kysely<WebhooksDatabase>).selectFrom('webhook_secrets').selectAll().execute();
    expect(stored.map((row) => ({ secret: row.secret, keyId: row.key_id }))).toEqual([{ secret: null, keyId: 'e2e' }]);

    // The reports API reads the secured Elasticsearch too, and agrees with MySQL.
    const day = (await sql<{ day: string }>`SELECT DATE_FORMAT(MIN(occurred_at), '%Y-%m-%d') AS day FROM authlog`.execute(harness.database.db)).rows[0]!.day;
    const to = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const report = await fetch(`${harness.url('reports')}/v1/reports/volume?from=${day}&to=${to}&tz=UTC&interval=day`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(report.status, await report.clone().text()).toBe(200);
    expect(((await report.json()) as { total: { total: number } }).total.total).toBe(due.length);
  }, 180_000);

  it('keeps every secret out of every log line', () => {
    const secrets = [...stackSecrets(stack!), harness.receiverSecret, apiKey];
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const service of SERVICES) {
      const log = harness.process(service).lines.join('\n') + harness.process(service).stderr;
      expect(log.length, `${service} logged nothing`).toBeGreaterThan(0);
      for (const secret of secrets) expect(log.includes(secret), `${service} logged a secret`).toBe(false);
    }
  });
});
