import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { commonSettings } from './common-settings.js';
import { loadConfig } from './load-config.js';

const shape = { ...commonSettings.mysql, ...commonSettings.ops };
const refused = (env: Record<string, string>) => {
  try {
    loadConfig(shape, env);
    return undefined;
  } catch (error) {
    return (error as ConfigError).variable;
  }
};

describe('NODE_ENV=production (issue 13.1)', () => {
  it("refuses the local stack's MySQL password, which the default URL carries, naming the setting", () => {
    expect(refused({ NODE_ENV: 'production' })).toBe('AUTHLOG_MYSQL_URL');
    expect(refused({ NODE_ENV: 'production', AUTHLOG_MYSQL_URL: 'mysql://app:root@db:3306/authlog' })).toBe('AUTHLOG_MYSQL_URL');
    expect(refused({ NODE_ENV: 'production', AUTHLOG_MYSQL_URL: 'mysql://authlog@db:3306/authlog', AUTHLOG_MYSQL_PASSWORD: 'pw-9fK2xQ7mZr41' })).toBeUndefined();
    expect(refused({ NODE_ENV: 'production', AUTHLOG_MYSQL_URL: 'mysql://authlog:Xk29fLq0pZ7w@db:3306/authlog' })).toBeUndefined();
    // The local stack and the tests keep working.
    expect(refused({})).toBeUndefined();
  });
});
