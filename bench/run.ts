/**
 * npm run bench -- <name> [--quick]   one benchmark; its figures as JSON on the last line
 * npm run bench                        every benchmark in --quick mode, then a summary
 *
 * Benchmarks run against the local stack (scripts/stack start) in namespaces of their own. Each
 * measures its subject and a baseline side by side in the same run, because on a shared 2-core
 * machine only ratios measured together mean something.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCommandLine } from '../shared/cli/command-line.js';
import { benches } from './benches.js';
import { writeSummary } from './summary/write-summary.js';
import type { BenchFigures } from './support/bench-context.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

async function runOne(name: string, quick: boolean): Promise<BenchFigures> {
  const load = benches[name];
  if (load === undefined) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
  const bench = await load();
  log(`== ${name}${quick ? ' (quick)' : ''}`);
  return { bench: name, quick, ...(await bench({ quick, log })) };
}

const BENCH_USAGE = `usage: npm run bench -- [<name>...] [--quick]

  <name>    one or more of: ${Object.keys(benches).join(', ')}
            (none: every benchmark in --quick mode, then bench/results/summary.md and a chart)
  --quick   shorter runs, indicative figures
  --help    this text
Each benchmark prints its figures as one JSON object on its last line.`;

function parseBenchArguments(argv: readonly string[]): { readonly names: readonly string[]; readonly quick: boolean } {
  const { values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { quick: { type: 'boolean', default: false } } });
  // Refused before anything runs: a typo must not cost the benchmarks listed before it.
  const unknown = positionals.filter((name) => benches[name] === undefined);
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.map((name) => `"${name}"`).join(', ')}`);
  return { names: positionals, quick: values.quick };
}

async function main(argv: readonly string[]): Promise<number> {
  const line = readCommandLine({ tool: 'bench', usage: BENCH_USAGE, argv, parse: parseBenchArguments });
  if (!line.run) return line.exitCode;
  const { names, quick } = line.args;
  if (names.length === 0) {
    // Every benchmark in --quick mode, one after the other (never two at once on two cores).
    const all: BenchFigures[] = [];
    const failed: string[] = [];
    for (const name of Object.keys(benches)) {
      try {
        const figures = await runOne(name, true);
        console.log(JSON.stringify(figures));
        all.push(figures);
      } catch (error) {
        failed.push(name);
        log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
    const files = await writeSummary(all, resolve(import.meta.dirname, '..', '..', 'bench', 'results'));
    log(`summary: ${files.join(', ')}`);
    console.log(JSON.stringify({ bench: 'all', quick: true, ran: all.length, failed: failed.join(' '), summary: files[0] ?? null }));
    return failed.length === 0 ? 0 : 1;
  }
  for (const name of names) console.log(JSON.stringify(await runOne(name, quick)));
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
// A client a benchmark forgot to close would keep this process (and CI or a release script) waiting
// forever after the figures are out. The timer is unref'd: it fires only if something else still
// holds the process open 5 s later; it then names what is open, so it gets fixed, and exits.
setTimeout(() => {
  log(`warning: a benchmark left the process held open (${process.getActiveResourcesInfo().join(', ')}); exiting anyway`);
  process.exit();
}, 5_000).unref();
