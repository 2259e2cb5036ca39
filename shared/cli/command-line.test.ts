import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readCommandLine } from './command-line.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } } };
}

const parse = (argv: readonly string[]) => parseArgs({ args: [...argv], strict: true, options: { name: { type: 'string' } } }).values;

describe('readCommandLine', () => {
  it('--help and -h print the usage on stdout and exit 0, even beside a mistake', () => {
    for (const argv of [['--help'], ['-h'], ['--bogus', '--help'], ['--name', 'x', '-h']]) {
      const { out, err, output } = capture();
      expect(readCommandLine({ tool: 'tool', usage: 'usage: tool [--name <n>]', argv, parse }, output)).toEqual({ run: false, exitCode: 0 });
      expect(out.join('')).toBe('usage: tool [--name <n>]\n');
      expect(err).toEqual([]);
    }
  });

  it('an unknown option exits 2 with one line naming it, then the usage, on stderr', () => {
    const { out, err, output } = capture();
    expect(readCommandLine({ tool: 'tool', usage: 'usage: tool', argv: ['--bogus'], parse }, output)).toEqual({ run: false, exitCode: 2 });
    expect(out).toEqual([]);
    expect(err.join('')).toBe("tool: Unknown option '--bogus'\nusage: tool\n");
  });

  it('runs with the parsed arguments otherwise; a -h after -- is an argument, not a request for help', () => {
    const { output } = capture();
    expect(readCommandLine({ tool: 'tool', usage: 'u', argv: ['--name', 'x'], parse }, output)).toEqual({ run: true, args: { name: 'x' } });
    expect(readCommandLine({ tool: 'tool', usage: 'u', argv: ['--', '-h'], parse: (argv) => argv }, output)).toEqual({ run: true, args: ['--', '-h'] });
  });
});
