import { describe, expect, it } from 'vitest';
import { jsonSchemaOf } from '../../shared/http/openapi/json-schema-of.js';
import { errorBodySchema } from '../../shared/http/openapi/error-body-schema.js';
import { attemptListSchema } from '../../services/webhook-api/src/response-schemas.js';
import { jsonSchemaProblems } from '../../testing/json-schema-check.js';

const root = { components: { schemas: { ErrorBody: jsonSchemaOf(errorBodySchema, 'output') } } };
const attempts = jsonSchemaOf(attemptListSchema, 'output');
const attempt = { id: '1', message_id: 'm', attempt: 1, trigger: 'event', attempted_at: '2026-12-07T10:00:00.000Z', outcome: 'failure', status_code: null, latency_ms: 3, error_code: null, error: null, response_excerpt: null, request_headers: { 'webhook-id': 'm' } };

describe('the drift tests\' JSON Schema check', () => {
  it('passes what the schema allows', () => {
    expect(jsonSchemaProblems(attempts, { data: [attempt], next_before: null }, root)).toEqual([]);
    expect(jsonSchemaProblems({ $ref: '#/components/schemas/ErrorBody' }, { error: { code: 'NOT_FOUND', message: 'no' } }, root)).toEqual([]);
  });

  it('names undocumented and missing fields, wrong types, values outside an enum, and broken $refs', () => {
    expect(jsonSchemaProblems(attempts, { data: [{ ...attempt, colour: 'red' }], next_before: null }, root)).toEqual(['(body).data.0: undocumented field colour']);
    const { outcome: _outcome, ...withoutOutcome } = attempt;
    expect(jsonSchemaProblems(attempts, { data: [withoutOutcome], next_before: null }, root)).toEqual(['(body).data.0: missing required field outcome']);
    expect(jsonSchemaProblems(attempts, { data: [{ ...attempt, latency_ms: 1.5 }], next_before: null }, root)[0]).toContain('(body).data.0.latency_ms: expected "integer"');
    expect(jsonSchemaProblems(attempts, { data: [{ ...attempt, trigger: 'magic' }], next_before: null }, root)[0]).toContain('(body).data.0.trigger: not one of');
    expect(jsonSchemaProblems(attempts, { data: [], next_before: 7 }, root)).toEqual(['(body).next_before: expected ["string","null"], got 7']);
    expect(jsonSchemaProblems({ $ref: '#/components/schemas/ErrorBody' }, { error: { code: 'lower', message: 'no' } }, root)[0]).toContain('does not match');
    expect(() => jsonSchemaProblems({ $ref: '#/components/schemas/Nothing' }, {}, root)).toThrow(/resolves to nothing/);
  });
});
