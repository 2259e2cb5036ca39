import { describe, expect, it } from 'vitest';
import { eventTypeSchemas, type JsonSchema } from './event-json-schema.js';
import { breakingChanges } from './schema-compatibility.js';

/** A small event contract shaped like the generator's output (strict objects, nullable unions). */
const base = (): Record<string, unknown> => ({
  type: 'object',
  properties: {
    txid: { type: 'string', pattern: '^[a-z]+$' },
    result: { type: 'string', enum: ['success', 'denied'] },
    score: { type: 'integer', minimum: 0, maximum: 100 },
    note: { default: null, anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] },
    ip: { type: ['string', 'null'] },
    groups: { type: 'array', items: { type: 'string', maxLength: 10 }, maxItems: 5 },
    device: { type: 'object', properties: { os: { type: 'string' } }, required: ['os'], additionalProperties: false },
  },
  required: ['txid', 'result', 'score', 'note', 'ip', 'groups', 'device'],
  additionalProperties: false,
});

function changed(edit: (schema: any) => void): JsonSchema {
  const schema = structuredClone(base());
  edit(schema);
  return schema;
}

describe('schema compatibility', () => {
  it('finds nothing between a schema and itself, nor in documentation-only changes', () => {
    expect(breakingChanges(base(), base())).toEqual([]);
    expect(breakingChanges(base(), changed((s) => ((s.description = 'new words'), (s.properties.note.default = 'x'))))).toEqual([]);
    for (const published of eventTypeSchemas()) expect(breakingChanges(published.schema, published.schema)).toEqual([]);
  });

  it('lets an optional field, an enum value, a wider limit or a wider type through', () => {
    expect(breakingChanges(base(), changed((s) => (s.properties.mfa = { type: 'boolean' })))).toEqual([]);
    expect(breakingChanges(base(), changed((s) => s.properties.result.enum.push('fraud')))).toEqual([]);
    expect(breakingChanges(base(), changed((s) => ((s.properties.groups.items.maxLength = 20), (s.properties.score.maximum = 1000))))).toEqual([]);
    expect(breakingChanges(base(), changed((s) => (s.properties.score.type = 'number')))).toEqual([]);
    expect(breakingChanges(base(), changed((s) => (s.properties.txid = { anyOf: [{ type: 'string', pattern: '^[a-z]+$' }, { type: 'null' }] })))).toEqual([]);
  });

  it('refuses a field removed, at the top or nested', () => {
    expect(breakingChanges(base(), changed((s) => delete s.properties.note))).toContain('note: field removed');
    expect(breakingChanges(base(), changed((s) => delete s.properties.device.properties.os))).toContain('device.os: field removed');
  });

  it('refuses a type narrowed, including null no longer accepted (null narrowed to string)', () => {
    expect(breakingChanges(base(), changed((s) => (s.properties.result.type = 'number')))).toEqual(['result: type narrowed from string to number']);
    expect(breakingChanges(base(), changed((s) => (s.properties.ip.type = 'string')))).toEqual(['ip: type narrowed from null to string']);
    expect(breakingChanges(base(), changed((s) => (s.properties.note = { type: 'string', maxLength: 64 })))).toEqual(['note: type narrowed from null to string']);
  });

  it('refuses an enum value removed, or a free value made an enum', () => {
    expect(breakingChanges(base(), changed((s) => (s.properties.result.enum = ['success'])))).toEqual(['result: enum value removed: denied']);
    expect(breakingChanges(base(), changed((s) => (s.properties.txid.enum = ['a'])))[0]).toMatch(/^txid: narrowed to the values a/);
  });

  it('refuses an optional field made required, and a new required field', () => {
    const optional = changed((s) => (s.required = s.required.filter((name: string) => name !== 'note')));
    expect(breakingChanges(optional, base())).toEqual(['note: optional field made required']);
    expect(breakingChanges(base(), changed((s) => ((s.properties.mfa = { type: 'boolean' }), s.required.push('mfa'))))).toEqual(['mfa: new required field (messages without it are refused)']);
  });

  it('refuses a required field made optional: readers relied on it', () => {
    const optional = changed((s) => (s.required = s.required.filter((name: string) => name !== 'note')));
    expect(breakingChanges(base(), optional)).toEqual(['note: required field made optional (consumers reading it can no longer rely on it)']);
  });

  it('refuses tightened limits, changed patterns and formats, and keywords it does not understand', () => {
    expect(breakingChanges(base(), changed((s) => (s.properties.groups.items.maxLength = 5)))).toEqual(['groups[]: maxLength lowered from 10 to 5']);
    expect(breakingChanges(base(), changed((s) => (s.properties.groups.maxItems = 4)))).toEqual(['groups: maxItems lowered from 5 to 4']);
    expect(breakingChanges(base(), changed((s) => (s.properties.score.minimum = 1)))).toEqual(['score: minimum raised from 0 to 1']);
    expect(breakingChanges(base(), changed((s) => (s.properties.txid.pattern = '^[a-z0-9]+$')))).toEqual(['txid: pattern changed from ^[a-z]+$ to ^[a-z0-9]+$']);
    expect(breakingChanges(base(), changed((s) => (s.properties.txid.format = 'uuid')))).toEqual(['txid: format changed from none to uuid']);
    expect(breakingChanges(base(), changed((s) => (s.properties.txid.multipleOf = 2)))).toEqual([expect.stringMatching(/^txid: keyword multipleOf changed/)]);
  });

  it('refuses an open object closed', () => {
    const open = changed((s) => delete s.properties.device.additionalProperties);
    expect(breakingChanges(open, base())).toEqual(['device: unknown fields no longer accepted (additionalProperties: false)']);
  });

  it('reports a breaking edit of the generated event schema', () => {
    const [published] = eventTypeSchemas();
    const edited = structuredClone(published!.schema) as any;
    edited.properties.factor.enum = edited.properties.factor.enum.filter((factor: string) => factor !== 'duo_push');
    delete edited.properties.access_device.properties.os;
    expect(breakingChanges(published!.schema, edited)).toEqual(['factor: enum value removed: duo_push', 'access_device.os: field removed']);
  });
});
