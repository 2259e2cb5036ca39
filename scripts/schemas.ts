/**
 * npm run schemas [-- --check] [--dir D]
 * Writes (or checks) the published JSON Schemas of the events under schemas/. See --help.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCommandLine } from '../shared/cli/command-line.js';
import { EVENT_SCHEMA_VERSION } from '../shared/event/auth-event.js';
import type { JsonSchema } from '../shared/event/event-json-schema.js';
import { breakingChanges } from '../shared/event/schema-compatibility.js';
import { compareSchemaFiles, writeSchemaFiles, type SchemaFileStatus } from '../shared/event/schema-files.js';

const USAGE = `usage: npm run schemas -- [--check] [--dir DIR]

Generates one JSON Schema per event type at the current schema version (EVENT_SCHEMA_VERSION in
shared/event/auth-event.ts, now ${EVENT_SCHEMA_VERSION}) from the event model and writes it to
schemas/<ce_type>.v<version>.json. Files of earlier versions are kept as published.

A change that would break an existing consumer (a field removed or made optional, a type narrowed,
an enum value removed, a field made required, a limit tightened) is refused: raise
EVENT_SCHEMA_VERSION, which publishes new files next to the old ones. Adding an optional field or
an enum value passes.

  --check     write nothing; exit 1 if a file is missing, out of date or would break consumers (CI)
  --against REF  with --check: also compare each file with its published version at git REF (the
              merge target, e.g. main), so a published file edited by hand at the same version
              is caught too
  --dir DIR   where the schemas live (default: schemas/ at the repository root)
  --help, -h  this text`;

/** Exit code: 0 done (or up to date), 1 check failed or a breaking change refused, 2 bad arguments. */
export async function runSchemasCommand(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const line = readCommandLine(
    {
      tool: 'schemas',
      usage: USAGE,
      argv,
      parse: (args) => parseArgs({ args: [...args], strict: true, options: { check: { type: 'boolean' }, dir: { type: 'string' }, against: { type: 'string' } } }).values,
    },
    { stdout: { write: (text: string) => out(text.replace(/\n$/, '')) }, stderr: { write: (text: string) => err(text.replace(/\n$/, '')) } },
  );
  if (!line.run) return line.exitCode;
  const flags = line.args;
  const dir = resolve(flags.dir ?? DEFAULT_DIR);
  const statuses = await compareSchemaFiles(dir);
  const breaking = statuses.filter((entry) => entry.status === 'breaking');
  for (const entry of breaking) err(`${entry.file}: breaks existing consumers; raise EVENT_SCHEMA_VERSION (shared/event/auth-event.ts) instead:\n  ${entry.problems.join('\n  ')}`);
  if (flags.check === true) {
    const stale = statuses.filter((entry) => entry.status === 'missing' || entry.status === 'changed');
    for (const entry of stale) err(`${entry.file}: ${entry.status === 'missing' ? 'missing' : 'out of date (a compatible change)'}; run npm run schemas and commit the result`);
    const edited = flags.against === undefined ? [] : compareWithPublished(dir, flags.against, statuses);
    for (const entry of edited) err(`${entry.file}: differs from its version at ${flags.against} in a way that breaks consumers; raise EVENT_SCHEMA_VERSION instead:\n  ${entry.problems.join('\n  ')}`);
    if (breaking.length + stale.length + edited.length === 0) out(`schemas: ${statuses.length} up to date in ${dir}${flags.against === undefined ? '' : `, compatible with ${flags.against}`}`);
    return breaking.length + stale.length + edited.length === 0 ? 0 : 1;
  }
  const written = await writeSchemaFiles(dir, statuses);
  out(`schemas: ${written.length === 0 ? 'nothing to write' : `wrote ${written.join(', ')}`} (${summary(statuses)})`);
  return breaking.length === 0 ? 0 : 1;
}

/** schemas/ at the repository root, from the sources (scripts/) or the build (dist/scripts/). */
const DEFAULT_DIR = resolve(fileURLToPath(import.meta.url), fileURLToPath(import.meta.url).includes('/dist/') ? '../../../schemas' : '../../schemas');

/** Files whose version at `ref` (git) the current text would break; a file not at `ref` is new, nothing to compare. */
function compareWithPublished(dir: string, ref: string, statuses: readonly SchemaFileStatus[]): { file: string; problems: string[] }[] {
  const found: { file: string; problems: string[] }[] = [];
  for (const entry of statuses) {
    const shown = spawnSync('git', ['-C', dir, 'show', `${ref}:./${entry.file}`], { encoding: 'utf8' });
    if (shown.status !== 0) continue;
    const problems = breakingChanges(JSON.parse(shown.stdout) as JsonSchema, JSON.parse(entry.text) as JsonSchema);
    if (problems.length > 0) found.push({ file: entry.file, problems });
  }
  return found;
}

function summary(statuses: readonly SchemaFileStatus[]): string {
  return statuses.map((entry) => `${entry.file} ${entry.status}`).join(', ');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.exitCode = await runSchemasCommand(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`));
}
