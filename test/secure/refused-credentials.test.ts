import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../shared/crypto/key-ring.js';
import { ServiceProcess } from '../support/service-process.js';
import { secureStackOrSkip, stackSecrets } from './support/secure-stack.js';

/**
 * Each service, given a wrong password for each engine it uses (or a TLS setting the engine does
 * not accept), stops at start: exit code 2 and one fatal JSON line naming the engine and the
 * setting, no stack trace, no secret. Run against the secured stack, where every engine checks.
 */
const stack = secureStackOrSkip();
type Engine = 'mysql' | 'kafka' | 'elasticsearch' | 'redis';
const USES: Record<string, Engine[]> = {
  relay: ['mysql', 'kafka'],
  indexer: ['kafka', 'elasticsearch'],
  'webhook-dispatcher': ['mysql', 'kafka', 'redis'],
  'webhook-api': ['mysql', 'redis'],
  reports: ['mysql', 'elasticsearch', 'redis'],
  'auth-demo': ['mysql'],
};
const WRONG = 'wrong-password-0123456789';
const folder = mkdtempSync(join(tmpdir(), 'authlog-refused-'));
const wrongFile = join(folder, 'wrong');
writeFileSync(wrongFile, `${WRONG}\n`);
const started: ServiceProcess[] = [];

/** The setting a wrong password goes in (as a file), and the one the service must name. */
function wrongPassword(engine: Engine): { env: Record<string, string>; variable: string } {
  switch (engine) {
    case 'mysql':
      return { env: { AUTHLOG_MYSQL_PASSWORD_FILE: wrongFile }, variable: 'AUTHLOG_MYSQL_PASSWORD' };
    case 'kafka':
      return { env: { AUTHLOG_KAFKA_SASL_PASSWORD_FILE: wrongFile }, variable: 'AUTHLOG_KAFKA_SASL_PASSWORD' };
    case 'redis':
      return { env: { AUTHLOG_REDIS_PASSWORD_FILE: wrongFile }, variable: 'AUTHLOG_REDIS_PASSWORD' };
    case 'elasticsearch':
      return stack?.env.AUTHLOG_ES_API_KEY_FILE === undefined
        ? { env: { AUTHLOG_ES_PASSWORD_FILE: wrongFile }, variable: 'AUTHLOG_ES_PASSWORD' }
        : { env: { AUTHLOG_ES_API_KEY_FILE: wrongFile }, variable: 'AUTHLOG_ES_API_KEY' };
  }
}

/** Starts `service` on the secured stack with `change` applied (undefined removes a variable) and waits for it to exit. */
async function startRefused(service: string, change: Record<string, string | undefined>) {
  const env: Record<string, string> = { ...stack!.env, AUTHLOG_ENCRYPTION_KEYS: KeyRing.generateEntry('t'), RELAY_TOPIC: 'refused-credentials', LOG_LEVEL: 'info' };
  for (const [name, value] of Object.entries(change)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = await ServiceProcess.launch(service, env);
  started.push(child);
  const timeout = setTimeout(() => void child.kill(), 45_000);
  const { code } = await child.exited;
  clearTimeout(timeout);
  const fatal = child.lines.map((line) => (line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : {})).find((line) => line.level === 'fatal');
  return { code, fatal, output: `${child.lines.join('\n')}\n${child.stderr}`, describe: child.describe() };
}

afterAll(async () => {
  await Promise.all(started.map((child) => child.kill()));
});

describe.skipIf(stack === undefined)('a service with a refused credential', () => {
  const cases = Object.entries(USES).flatMap(([service, engines]) => engines.map((engine) => ({ service, engine })));

  it.each(cases)('$service stops at start naming the $engine password setting', async ({ service, engine }) => {
    const wrong = wrongPassword(engine);
    const result = await startRefused(service, wrong.env);
    expect(result.code, result.describe).toBe(2);
    expect(result.fatal, result.describe).toMatchObject({ code: 'CONNECTION_REJECTED', engine, variable: wrong.variable });
    expect(String(result.fatal?.msg)).toContain(wrong.variable);
    expect(result.fatal).not.toHaveProperty('err');
    expect(result.output).not.toMatch(/\n\s+at /);
    for (const secret of [WRONG, ...stackSecrets(stack!)]) expect(result.output.includes(secret), `a secret in the output:\n${result.output}`).toBe(false);
  }, 60_000);
});

describe.skipIf(stack === undefined)('a service whose TLS settings an engine refuses', () => {
  const cases: { service: string; engine: Engine; change: Record<string, string | undefined>; variable: string }[] = [
    { service: 'relay', engine: 'kafka', change: { AUTHLOG_KAFKA_TLS_CA_FILE: undefined }, variable: 'AUTHLOG_KAFKA_TLS_CA_FILE' },
    { service: 'relay', engine: 'kafka', change: { AUTHLOG_KAFKA_TLS: undefined, AUTHLOG_KAFKA_TLS_CA_FILE: undefined }, variable: 'AUTHLOG_KAFKA_TLS' },
    { service: 'auth-demo', engine: 'mysql', change: { AUTHLOG_MYSQL_TLS: undefined, AUTHLOG_MYSQL_TLS_CA_FILE: undefined }, variable: 'AUTHLOG_MYSQL_TLS' },
    { service: 'auth-demo', engine: 'mysql', change: { AUTHLOG_MYSQL_TLS_CA_FILE: undefined }, variable: 'AUTHLOG_MYSQL_TLS_CA_FILE' },
    { service: 'reports', engine: 'elasticsearch', change: { AUTHLOG_ES_CA_FILE: undefined }, variable: 'AUTHLOG_ES_CA_FILE' },
    { service: 'webhook-api', engine: 'redis', change: { AUTHLOG_REDIS_TLS_CA_FILE: undefined }, variable: 'AUTHLOG_REDIS_TLS_CA_FILE' },
    { service: 'webhook-api', engine: 'redis', change: { AUTHLOG_REDIS_USERNAME: undefined, AUTHLOG_REDIS_PASSWORD_FILE: undefined }, variable: 'AUTHLOG_REDIS_PASSWORD' },
  ];

  it.each(cases)('$service stops naming $variable', async ({ service, engine, change, variable }) => {
    const result = await startRefused(service, change);
    expect(result.code, result.describe).toBe(2);
    expect(result.fatal, result.describe).toMatchObject({ code: 'CONNECTION_REJECTED', engine, variable });
  }, 60_000);
});
