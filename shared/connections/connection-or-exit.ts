import { ConnectionRejectedError } from './connection-rejected-error.js';

/**
 * For the few connection steps that must finish before a service is built (pinning the
 * Elasticsearch CA by fingerprint): a refusal ends the process with one JSON line naming the
 * setting (exit 2), like a bad setting; any other failure with exit 1 so the supervisor retries.
 */
export async function connectionOrExit<Value>(service: string, resolve: () => Promise<Value>): Promise<Value> {
  try {
    return await resolve();
  } catch (error) {
    const rejected = error instanceof ConnectionRejectedError;
    const line = rejected
      ? { code: error.code, engine: error.engine, variable: error.variable, msg: error.message }
      : { msg: `could not prepare a connection: ${error instanceof Error ? error.message : String(error)}` };
    process.stderr.write(`${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service, ...line })}\n`);
    process.exit(rejected ? 2 : 1);
  }
}
