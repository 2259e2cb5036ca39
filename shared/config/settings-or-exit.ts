import { ConfigError } from '../errors/config-error.js';

/**
 * Loads a service's settings at start-up; a bad value ends the process at once with one JSON line
 * naming the variable (exit code 2, "misconfigured", so a supervisor does not mistake it for a crash
 * worth restarting quickly). Other errors propagate.
 */
export function settingsOrExit<Settings>(service: string, load: () => Settings): Settings {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service, code: error.code, variable: error.variable, msg: error.message })}\n`,
    );
    process.exit(2);
  }
}
