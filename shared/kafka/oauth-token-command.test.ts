import { describe, expect, it } from 'vitest';
import { jwtExpiry, oauthTokenProvider } from './oauth-token-command.js';

const jwt = (claims: object) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

describe('OAUTHBEARER token command', () => {
  it('runs the command, reuses a JWT until a minute before it expires, then runs it again', async () => {
    let now = 1_000_000_000_000;
    const token = jwt({ sub: 'app', exp: now / 1000 + 600 });
    // Each run appends a line to a counter file, so the test sees how often the command ran.
    const counter = `/tmp/authlog-token-${process.pid}-${Date.now()}`;
    const provider = oauthTokenProvider(`echo run >> ${counter}; printf '%s\\n' '${token}'`, () => now);
    expect(await provider()).toEqual({ value: token });
    expect(await provider()).toEqual({ value: token });
    now += 541_000;
    await provider();
    const { readFileSync, rmSync } = await import('node:fs');
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(2);
    rmSync(counter);
  });

  it('fails naming the setting, without echoing a token, when the command fails or prints nothing', async () => {
    await expect(oauthTokenProvider('echo oops >&2; exit 3')()).rejects.toThrow(/AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND failed \(exit 3\): oops/);
    await expect(oauthTokenProvider('true')()).rejects.toThrow('AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND printed no token');
  });

  it('reads exp from a JWT and nothing from an opaque token', () => {
    expect(jwtExpiry(jwt({ exp: 1700000000 }))).toBe(1_700_000_000_000);
    expect(jwtExpiry('opaque-token')).toBeUndefined();
  });
});
