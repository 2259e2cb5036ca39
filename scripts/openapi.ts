/**
 * npm run openapi [-- --check] [--dir D]
 * Writes (or checks) the OpenAPI documents of the webhook API and the reports API under docs/openapi/. See --help.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCommandLine } from '../shared/cli/command-line.js';
import { reportsApiDocument } from '../services/reports/src/http/api-document.js';
import { reportsSettings } from '../services/reports/src/reports-settings.js';
import { webhookApiDocument } from '../services/webhook-api/src/api-document.js';
import { requestSchemas } from '../services/webhook-api/src/request-schemas.js';
import { webhookApiSettings } from '../services/webhook-api/src/webhook-api-settings.js';

const USAGE = `usage: npm run openapi -- [--check] [--dir DIR]

Generates the OpenAPI 3.1 documents of the webhook API and the reports API from the zod schemas
their routes validate with (services/*/src/**/api-document.ts), with the settings' defaults for
the bounds that depend on settings, and writes them to docs/openapi/webhook-api.json and
docs/openapi/reports.json. A running service serves its own at GET /openapi.json.

  --check     write nothing; exit 1 if a document is missing or out of date (the tests run this)
  --dir DIR   where the documents live (default: docs/openapi/ at the repository root)
  --help, -h  this text`;

/** The documents as the services serve them with default settings, by file name. */
export function openApiDocuments(): Record<string, string> {
  const webhook = webhookApiDocument(
    requestSchemas({
      defaultMaxConcurrency: webhookApiSettings.WEBHOOK_DEFAULT_MAX_CONCURRENCY.parse(undefined),
      maxConcurrencyLimit: webhookApiSettings.WEBHOOK_MAX_CONCURRENCY_LIMIT.parse(undefined),
    }),
  );
  const reports = reportsApiDocument({ maxPageSize: reportsSettings.REPORTS_MAX_PAGE_SIZE.parse(undefined) });
  return { 'webhook-api.json': `${JSON.stringify(webhook, null, 2)}\n`, 'reports.json': `${JSON.stringify(reports, null, 2)}\n` };
}

/** Exit code: 0 done (or up to date), 1 a document is missing or stale (--check), 2 bad arguments. */
export async function runOpenApiCommand(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const line = readCommandLine(
    {
      tool: 'openapi',
      usage: USAGE,
      argv,
      parse: (args) => parseArgs({ args: [...args], strict: true, options: { check: { type: 'boolean' }, dir: { type: 'string' } } }).values,
    },
    { stdout: { write: (text: string) => out(text.replace(/\n$/, '')) }, stderr: { write: (text: string) => err(text.replace(/\n$/, '')) } },
  );
  if (!line.run) return line.exitCode;
  const dir = resolve(line.args.dir ?? DEFAULT_DIR);
  const documents = Object.entries(openApiDocuments());
  const stale: string[] = [];
  for (const [file, text] of documents) {
    const current = await readFile(join(dir, file), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(file);
  }
  if (line.args.check === true) {
    for (const file of stale) err(`${join(dir, file)}: missing or out of date; run npm run openapi and commit the result`);
    if (stale.length === 0) out(`openapi: ${documents.length} documents up to date in ${dir}`);
    return stale.length === 0 ? 0 : 1;
  }
  await mkdir(dir, { recursive: true });
  for (const [file, text] of documents) if (stale.includes(file)) await writeFile(join(dir, file), text);
  out(`openapi: ${stale.length === 0 ? 'nothing to write' : `wrote ${stale.join(', ')}`} in ${dir}`);
  return 0;
}

/** docs/openapi/ at the repository root, from the sources (scripts/) or the build (dist/scripts/). */
const DEFAULT_DIR = resolve(fileURLToPath(import.meta.url), fileURLToPath(import.meta.url).includes('/dist/') ? '../../../docs/openapi' : '../../docs/openapi');

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.exitCode = await runOpenApiCommand(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`));
}
