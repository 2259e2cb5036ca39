import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from './event-json-schema.js';

/**
 * What in `next` would break a consumer of `previous` (both JSON Schemas of one event type at the
 * same schema version); empty when the change is compatible. A consumer keeps working when:
 * - every message `previous` accepts, `next` accepts too (old messages stay on the topic and are
 *   republished: a type narrowed, an enum value removed, a limit tightened, a pattern or format
 *   changed, or a field made required breaks this); and
 * - every field `previous` promised is still promised (a field removed, or made optional, breaks
 *   consumers that read it).
 * Adding an optional field, an enum value, or loosening a limit passes. Descriptions, titles and
 * defaults are documentation and are ignored. Only the keywords our generator emits are
 * understood; any other keyword that differs is reported, so an unknown change fails safe.
 */
export function breakingChanges(previous: JsonSchema, next: JsonSchema): string[] {
  return compare(previous, next, '');
}

type Schema = { readonly [key: string]: unknown };

const DOCUMENTATION = new Set(['$schema', '$id', 'title', 'description', 'default', 'examples', '$comment']);
const UNDERSTOOD = new Set([
  ...DOCUMENTATION,
  'type',
  'anyOf',
  'oneOf',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'pattern',
  'format',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maximum',
  'minimum',
]);
/** Keywords whose larger value in `next` narrows what is accepted, and those whose smaller value does. */
const LOWER_BOUNDS = ['minLength', 'minItems', 'minimum'] as const;
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maximum'] as const;

function compare(previous: Schema, next: Schema, path: string): string[] {
  const previousBranches = branches(previous);
  const nextBranches = branches(next);
  const problems: string[] = [];
  for (const branch of previousBranches) {
    let best: string[] | undefined;
    for (const candidate of nextBranches) {
      const found = compareBranch(branch, candidate, path);
      if (found.length === 0) {
        best = found;
        break;
      }
      // Report against the branch of the same type: "type removed" says nothing when a sibling branch differs in one limit.
      if (best === undefined || candidate.type === branch.type) best = found;
    }
    problems.push(...(best ?? [`${label(path)}: ${describeType(branch)} no longer accepted`]));
  }
  return [...new Set(problems)];
}

/** A union spread into its alternatives, each with at most one `type` (["string","null"] is two). */
function branches(schema: Schema): Schema[] {
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
  if (union !== undefined) return union.flatMap((member) => branches({ ...withoutDocumentation(rest), ...member }));
  if (Array.isArray(schema.type)) return (schema.type as string[]).map((type) => ({ ...rest, type }));
  return [schema];
}

function compareBranch(previous: Schema, next: Schema, path: string): string[] {
  const at = label(path);
  const problems: string[] = [];
  if (next.type !== undefined && next.type !== previous.type && !(next.type === 'number' && previous.type === 'integer')) {
    problems.push(`${at}: type narrowed from ${describeType(previous)} to ${describeType(next)}`);
    return problems;
  }
  const previousValues = allowedValues(previous);
  const nextValues = allowedValues(next);
  if (nextValues !== undefined) {
    if (previousValues === undefined) problems.push(`${at}: narrowed to the values ${nextValues.map(String).join(', ')}`);
    else {
      const removed = previousValues.filter((value) => !nextValues.some((candidate) => isDeepStrictEqual(candidate, value)));
      if (removed.length > 0) problems.push(`${at}: enum value${removed.length === 1 ? '' : 's'} removed: ${removed.map(String).join(', ')}`);
    }
  }
  for (const key of LOWER_BOUNDS) {
    const before = previous[key] as number | undefined;
    const after = next[key] as number | undefined;
    if (after !== undefined && (before === undefined || after > before)) problems.push(`${at}: ${key} raised from ${before ?? 'none'} to ${after}`);
  }
  for (const key of UPPER_BOUNDS) {
    const before = previous[key] as number | undefined;
    const after = next[key] as number | undefined;
    if (after !== undefined && (before === undefined || after < before)) problems.push(`${at}: ${key} lowered from ${before ?? 'none'} to ${after}`);
  }
  for (const key of ['pattern', 'format'] as const) {
    if (next[key] !== undefined && next[key] !== previous[key]) problems.push(`${at}: ${key} changed from ${String(previous[key] ?? 'none')} to ${String(next[key])}`);
  }
  problems.push(...compareObject(previous, next, path));
  if (previous.items !== undefined || next.items !== undefined) {
    problems.push(...compare((previous.items ?? {}) as Schema, (next.items ?? {}) as Schema, `${path}[]`));
  }
  for (const key of new Set([...Object.keys(previous), ...Object.keys(next)])) {
    if (!UNDERSTOOD.has(key) && !isDeepStrictEqual(previous[key], next[key])) problems.push(`${at}: keyword ${key} changed (not understood by the checker: raise the version or teach it)`);
  }
  return problems;
}

function compareObject(previous: Schema, next: Schema, path: string): string[] {
  const problems: string[] = [];
  const before = (previous.properties ?? {}) as Record<string, Schema>;
  const after = (next.properties ?? {}) as Record<string, Schema>;
  const requiredBefore = new Set((previous.required ?? []) as string[]);
  const requiredAfter = new Set((next.required ?? []) as string[]);
  for (const [name, schema] of Object.entries(before)) {
    const field = path === '' ? name : `${path}.${name}`;
    const replacement = after[name];
    if (replacement === undefined) {
      problems.push(`${field}: field removed`);
      continue;
    }
    if (requiredBefore.has(name) && !requiredAfter.has(name)) problems.push(`${field}: required field made optional (consumers reading it can no longer rely on it)`);
    problems.push(...compare(schema, replacement, field));
  }
  for (const name of requiredAfter) {
    if (requiredBefore.has(name)) continue;
    const field = path === '' ? name : `${path}.${name}`;
    problems.push(before[name] === undefined ? `${field}: new required field (messages without it are refused)` : `${field}: optional field made required`);
  }
  if (next.additionalProperties === false && previous.additionalProperties !== false && (previous.type === 'object' || previous.properties !== undefined)) {
    problems.push(`${label(path)}: unknown fields no longer accepted (additionalProperties: false)`);
  }
  return problems;
}

function allowedValues(schema: Schema): unknown[] | undefined {
  if (schema.const !== undefined) return [schema.const];
  return schema.enum as unknown[] | undefined;
}

function withoutDocumentation(schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !DOCUMENTATION.has(key)));
}

function describeType(schema: Schema): string {
  return schema.type === undefined ? 'any type' : String(schema.type);
}

function label(path: string): string {
  return path === '' ? '(event)' : path;
}
