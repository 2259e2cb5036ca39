import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventTypeSchemas, type JsonSchema } from './event-json-schema.js';
import { breakingChanges } from './schema-compatibility.js';

/** How a checked-in schema file compares with the schema generated from the event model now. */
export interface SchemaFileStatus {
  readonly file: string;
  /** same: nothing to do; missing: a new type or version; changed: compatible, to be written; breaking: needs a version raise. */
  readonly status: 'same' | 'missing' | 'changed' | 'breaking';
  readonly problems: readonly string[];
  readonly text: string;
}

/**
 * Compares every generated schema with its file in `dir` (schemas/<ce_type>.v<version>.json).
 * Files of earlier versions are never compared nor touched: they stay as published, for consumers
 * still reading older events. A file of the current version that would change incompatibly is
 * `breaking`: the fix is raising EVENT_SCHEMA_VERSION (a new file), never editing a published one.
 */
export async function compareSchemaFiles(dir: string): Promise<SchemaFileStatus[]> {
  const statuses: SchemaFileStatus[] = [];
  for (const published of eventTypeSchemas()) {
    const text = `${JSON.stringify(published.schema, null, 2)}\n`;
    const existing = await readIfPresent(join(dir, published.fileName));
    if (existing === undefined) statuses.push({ file: published.fileName, status: 'missing', problems: [], text });
    else if (existing === text) statuses.push({ file: published.fileName, status: 'same', problems: [], text });
    else {
      const problems = breakingChanges(JSON.parse(existing) as JsonSchema, published.schema);
      statuses.push({ file: published.fileName, status: problems.length > 0 ? 'breaking' : 'changed', problems, text });
    }
  }
  return statuses;
}

/** Writes the missing and compatibly changed files; never a breaking one. */
export async function writeSchemaFiles(dir: string, statuses: readonly SchemaFileStatus[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const entry of statuses) {
    if (entry.status !== 'missing' && entry.status !== 'changed') continue;
    await writeFile(join(dir, entry.file), entry.text);
    written.push(entry.file);
  }
  return written;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
