import { pino } from 'pino';

/** The logging surface our code depends on; pino's logger satisfies it, and so can a test double. */
export interface Logger {
  trace(fields: object, message?: string): void;
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  fatal(fields: object, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Secrets must never reach a log line, wherever they hide in a logged object: these paths are
 * replaced by "[redacted]" by pino before serialisation.
 */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
  // Client options that reach a log line by mistake: SASL passwords, TLS keys.
  'sasl.password',
  '*.sasl.password',
  'ssl.key',
  '*.ssl.key',
  // ioredis attaches the failed command to its errors: `HELLO 3 AUTH <user> <password>`.
  'err.command.args',
  'error.command.args',
  '*.err.command.args',
];

/** JSON lines on stdout, one object per event, with the service name on every line. */
export function createLogger(service: string, level: LogLevel = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** For tests and tools that must not print. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** `mysql://user:secret@host/db` becomes `mysql://user:***@host/db`, for start-up logs. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
