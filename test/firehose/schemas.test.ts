import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSchemasCommand } from '../../scripts/schemas.js';

const root = resolve(import.meta.dirname, '../..');
const FILE = 'authlog.authentication.v1.json';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSchemasCommand(argv, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('published event schemas', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function scratch(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'authlog-schemas-'));
    dirs.push(dir);
    return dir;
  }

  it('schemas/ matches the event model and is compatible with main (what CI runs: npm run schemas -- --check --against main, on the build global-setup made)', () => {
    const hasMain = spawnSync('git', ['rev-parse', '--verify', '--quiet', 'main'], { cwd: root }).status === 0;
    const result = spawnSync(process.execPath, ['dist/scripts/schemas.js', '--check', ...(hasMain ? ['--against', 'main'] : [])], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/schemas: 2 up to date/);
  });

  it('writes missing files, then finds them up to date', async () => {
    const dir = await scratch();
    expect((await run(['--check', '--dir', dir])).code).toBe(1);
    expect((await run(['--dir', dir])).code).toBe(0);
    expect(await run(['--check', '--dir', dir])).toMatchObject({ code: 0, err: '' });
  });

  it('refuses a change that would break consumers at the same version, in --check and when writing, and keeps the published file', async () => {
    const dir = await scratch();
    await run(['--dir', dir]);
    // The published file knows a factor (and a field) the model no longer has: as if the model had removed them.
    const published = JSON.parse(await readFile(join(dir, FILE), 'utf8'));
    published.properties.factor.enum.push('carrier_pigeon');
    published.properties.legacy_score = { type: 'integer' };
    published.required.push('legacy_score');
    const text = `${JSON.stringify(published, null, 2)}\n`;
    await writeFile(join(dir, FILE), text);

    const check = await run(['--check', '--dir', dir]);
    expect(check.code).toBe(1);
    expect(check.err).toContain(`${FILE}: breaks existing consumers; raise EVENT_SCHEMA_VERSION`);
    expect(check.err).toContain('factor: enum value removed: carrier_pigeon');
    expect(check.err).toContain('legacy_score: field removed');
    const write = await run(['--dir', dir]);
    expect(write.code).toBe(1);
    expect(await readFile(join(dir, FILE), 'utf8')).toBe(text);
  });

  it('lets a compatible change through: --check asks for a regeneration, writing updates the file', async () => {
    const dir = await scratch();
    await run(['--dir', dir]);
    // The published file lacks a factor the model has: as if the model had added an enum value.
    const published = JSON.parse(await readFile(join(dir, FILE), 'utf8'));
    published.properties.factor.enum = published.properties.factor.enum.filter((factor: string) => factor !== 'sms_refresh');
    await writeFile(join(dir, FILE), JSON.stringify(published));

    const check = await run(['--check', '--dir', dir]);
    expect(check.code).toBe(1);
    expect(check.err).toBe(`${FILE}: out of date (a compatible change); run npm run schemas and commit the result`);
    expect((await run(['--dir', dir])).code).toBe(0);
    expect((await run(['--check', '--dir', dir])).code).toBe(0);
  });

  it('with --against, catches a published file rewritten incompatibly at the same version (git history is the published record)', async () => {
    const dir = await scratch();
    await run(['--dir', dir]);
    // What was published at the merge target knew one more factor than the model (and the regenerated file) now has.
    const published = JSON.parse(await readFile(join(dir, FILE), 'utf8'));
    published.properties.factor.enum.push('carrier_pigeon');
    const current = await readFile(join(dir, FILE), 'utf8');
    await writeFile(join(dir, FILE), `${JSON.stringify(published, null, 2)}\n`);
    const git = (...args: string[]) => spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    expect(git('add', '.').status).toBe(0);
    expect(git('commit', '-qm', 'published').status).toBe(0);
    await writeFile(join(dir, FILE), current);

    expect((await run(['--check', '--dir', dir])).code).toBe(0);
    const against = await run(['--check', '--dir', dir, '--against', 'HEAD']);
    expect(against.code).toBe(1);
    expect(against.err).toContain(`${FILE}: differs from its version at HEAD in a way that breaks consumers`);
    expect(against.err).toContain('factor: enum value removed: carrier_pigeon');
  });

  it('answers --help and refuses unknown flags', async () => {
    expect((await run(['--help'])).out).toMatch(/^usage: npm run schemas/);
    expect((await run(['--nope'])).code).toBe(2);
  });
});
