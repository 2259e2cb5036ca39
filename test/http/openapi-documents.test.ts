import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenApiCommand } from '../../scripts/openapi.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOpenApiCommand(argv, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('committed OpenAPI documents (docs/openapi/)', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('are what the routes\' schemas generate now (npm run openapi -- --check)', async () => {
    const checked = await run(['--check']);
    expect(checked.err).toBe('');
    expect(checked.code).toBe(0);
  });

  it('--check fails on a missing or stale document and names it; a run writes them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'authlog-openapi-'));
    dirs.push(dir);
    const missing = await run(['--check', '--dir', dir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('webhook-api.json: missing or out of date');
    expect((await run(['--dir', dir])).code).toBe(0);
    expect((await run(['--check', '--dir', dir])).code).toBe(0);
    const file = join(dir, 'reports.json');
    const document = JSON.parse(await readFile(file, 'utf8'));
    delete document.paths['/v1/account'];
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
    const stale = await run(['--check', '--dir', dir]);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('reports.json: missing or out of date');
    expect((await run(['--bogus'])).code).toBe(2);
  });
});
