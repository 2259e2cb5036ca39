/**
 * The one module that reads `process.env`. Everything else receives settings as parsed, frozen
 * objects (see load-config.ts), so a test can hand a service any environment it likes.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

export function readEnvironment(): Environment {
  return Object.freeze({ ...process.env });
}
