/** What a command-line tool does after reading its arguments: run with them, or exit with a code. */
export type CommandLine<T> = { readonly run: true; readonly args: T } | { readonly run: false; readonly exitCode: 0 | 2 };

/** Anything the `output` of readCommandLine writes to (process.stdout / process.stderr in a tool). */
export interface CommandLineOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * The one front door of every command-line tool (migrate, backfill, replay, rotate-secrets-key,
 * schemas, republish, bench): `--help` or `-h` anywhere before a `--` prints the usage on stdout
 * and exits 0, whatever else is on the line (so help works even next to a mistake); a `parse`
 * that throws is bad usage: `<tool>: <message>` and the usage on stderr, exit 2. Each tool keeps
 * its own parser (node:util parseArgs with strict: true, so unknown options throw naming them).
 */
export function readCommandLine<T>(
  options: { readonly tool: string; readonly usage: string; readonly argv: readonly string[]; readonly parse: (argv: readonly string[]) => T },
  output: CommandLineOutput = process,
): CommandLine<T> {
  const end = options.argv.indexOf('--');
  const beforeEnd = end === -1 ? options.argv : options.argv.slice(0, end);
  if (beforeEnd.includes('--help') || beforeEnd.includes('-h')) {
    output.stdout.write(`${options.usage}\n`);
    return { run: false, exitCode: 0 };
  }
  try {
    return { run: true, args: options.parse(options.argv) };
  } catch (error) {
    output.stderr.write(`${options.tool}: ${usageMessage(error)}\n${options.usage}\n`);
    return { run: false, exitCode: 2 };
  }
}

/** parseArgs' unknown-option message goes on about positionals after `--`: its first sentence names the option. */
function usageMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (error.message.split('. ')[0] ?? error.message) : error.message;
}
