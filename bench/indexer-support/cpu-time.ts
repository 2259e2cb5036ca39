import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readEnvironment } from '../../shared/config/environment.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
/** Linux clock ticks per second (`getconf CLK_TCK`), 100 on every mainstream kernel build. */
const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null where that
 * is not readable (not Linux, process gone). On a machine where Elasticsearch, Kafka and the
 * indexer share two cores, CPU per document explains throughput better than wall time does.
 */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const PID_FILES = {
  elasticsearch: ['elasticsearch', 'run', 'es.pid'],
  kafka: ['kafka', 'kafka.pid'],
  redis: ['redis', 'redis.pid'],
} as const;

/** Pid of a service of the local stack (scripts/stack), or undefined when it is not found. */
export function stackPid(service: 'elasticsearch' | 'kafka' | 'redis'): number | undefined {
  const dir = readEnvironment().AUTHLOG_STACK_DIR ?? join(ROOT, '.stack');
  const file = join(dir, ...PID_FILES[service]);
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** CPU used by `pid` while `work` runs, in microseconds per item; null when unmeasurable. */
export class CpuMeter {
  readonly #start: number | null;

  constructor(private readonly pid: number | undefined) {
    this.#start = processCpuSeconds(pid);
  }

  microsecondsPer(items: number): number | null {
    const end = processCpuSeconds(this.pid);
    return this.#start === null || end === null || items === 0 ? null : ((end - this.#start) * 1e6) / items;
  }
}
