import { execFile } from 'node:child_process';
import type { OauthbearerProviderResponse } from 'kafkajs';

/** Tokens are fetched again this long before they expire, so a new connection never presents a dead one. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * kafkajs' OAUTHBEARER provider from a command (run by /bin/sh) whose standard output is the token:
 * an AWS MSK IAM signer, `gcloud auth print-access-token`, a script that asks an OAuth server. A
 * JWT's `exp` decides when the command runs again; an opaque token is fetched for each new
 * connection. The token never appears in a log line or an error message.
 */
export function oauthTokenProvider(command: string, now: () => number = Date.now): () => Promise<OauthbearerProviderResponse> {
  let cached: { value: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached !== undefined && now() < cached.refreshAt) return { value: cached.value };
    pending ??= runCommand(command).finally(() => {
      pending = undefined;
    });
    const value = await pending;
    const expiresAt = jwtExpiry(value);
    cached = expiresAt === undefined ? undefined : { value, refreshAt: expiresAt - REFRESH_MARGIN_MS };
    return { value };
  };
}

function runCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: 30_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND failed (exit ${String(error.code ?? error.signal)}): ${String(stderr).trim().slice(0, 300)}`));
        return;
      }
      const token = String(stdout).trim();
      if (token.length === 0) reject(new Error('AUTHLOG_KAFKA_SASL_OAUTH_TOKEN_COMMAND printed no token'));
      else resolve(token);
    });
  });
}

/** The `exp` of a JWT in milliseconds, or undefined for an opaque token. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
