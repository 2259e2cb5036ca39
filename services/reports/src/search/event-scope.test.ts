import { describe, expect, it } from 'vitest';
import { NO_FILTERS, scopeQuery } from './event-scope.js';

describe('event scope', () => {
  it('every query carries the account filter and only term, terms, range and bool clauses', () => {
    const query = scopeQuery({
      accountId: 'acct_a',
      range: { fromMs: 1, toMs: 2, timeZone: 'UTC' },
      filters: { ...NO_FILTERS, users: ['*'], ips: [{ value: '10.0.0.0/8', version: 4 }], results: ['denied'] },
    });
    expect(query.bool?.filter).toContainEqual({ term: { account_id: 'acct_a' } });
    expect(query.bool?.filter).toContainEqual({ terms: { 'user.key': ['*'] } }); // "*" is a value, not a wildcard
    const clauses = JSON.stringify(query).match(/"(\w+)":\{/g) ?? [];
    for (const clause of clauses) expect(['"bool":{', '"term":{', '"terms":{', '"range":{', '"timestamp":{']).toContain(clause);
  });
});
