import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { isSecretSetting } from '../../shared/config/secret-setting.js';
import { authDemoSettings } from '../../services/auth-demo/src/auth-demo-settings.js';
import { indexerSettings } from '../../services/indexer/src/indexer-settings.js';
import { relaySettings } from '../../services/relay/src/relay-settings.js';
import { reportsSettings } from '../../services/reports/src/reports-settings.js';
import { webhookApiSettings } from '../../services/webhook-api/src/webhook-api-settings.js';
import { dispatcherSettings } from '../../services/webhook-dispatcher/src/dispatcher-settings.js';

/**
 * docker-compose.yml is read by anyone who reads the repository: no secret may have a working value
 * in it (issue 13, item 1). Every secret comes from a file compose mounts, and compose refuses to
 * start without those files.
 */
type Service = { environment?: Record<string, string | number | boolean>; secrets?: string[] };
const compose = parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file?: string; environment?: string }>;
};
const shapes: z.ZodRawShape[] = [authDemoSettings, indexerSettings, relaySettings, reportsSettings, webhookApiSettings, dispatcherSettings];
const secretNames = new Set(shapes.flatMap((shape) => Object.entries(shape).filter(([, schema]) => isSecretSetting(schema)).map(([name]) => name)));

describe('docker-compose.yml secrets', () => {
  it('sets no secret setting in clear, and no URL carries a password', () => {
    expect(secretNames).toContain('REPORTS_LINK_SECRET');
    expect(secretNames).toContain('AUTHLOG_MYSQL_PASSWORD');
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        expect(secretNames.has(variable), `${name} sets ${variable} in clear`).toBe(false);
        expect(/PASSWORD$/.test(variable) && !variable.endsWith('_FILE'), `${name} sets ${variable} in clear`).toBe(false);
        expect(String(value), `${name} ${variable} carries a password`).not.toMatch(/^[a-z]+:\/\/[^/@:]+:[^/@]+@/);
      }
    }
  });

  it('mounts every secret file a service names, from a file outside the repository', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        const mounted = /^\/run\/secrets\/(.+)$/.exec(String(value))?.[1];
        if (mounted === undefined) continue;
        expect(service.secrets ?? [], `${name} reads ${variable} from a secret it does not mount`).toContain(mounted);
        expect(compose.secrets[mounted]?.file, mounted).toMatch(/^\.stack\/compose-secrets\//);
      }
    }
    expect(compose.services.mysql?.environment).toMatchObject({ MYSQL_PASSWORD_FILE: '/run/secrets/mysql-password', MYSQL_ROOT_PASSWORD_FILE: '/run/secrets/mysql-root-password' });
  });
});
