import { describe, expect, it } from 'vitest';
import { fieldNames } from './audit-fields.js';

describe('fieldNames', () => {
  it('names fields and the keys of objects one level down, never a value', () => {
    const names = fieldNames({ url: 'https://x.example', headers: { Authorization: 'Splunk s3cr3t' }, filters: { results: ['denied'] }, secret: 'whsec_abc', disabled: true, empty: {} });
    expect(names).toEqual(['url', 'headers.Authorization', 'filters.results', 'secret', 'disabled', 'empty']);
    expect(JSON.stringify(names)).not.toMatch(/s3cr3t|whsec_abc|denied|example/);
  });

  it('is empty for no body, and bounded for a huge one', () => {
    expect(fieldNames(undefined)).toEqual([]);
    expect(fieldNames(['a'])).toEqual([]);
    const huge = fieldNames(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${'n'.repeat(300)}${i}`, i])));
    expect(huge).toHaveLength(64);
    expect(Math.max(...huge.map((name) => name.length))).toBeLessThanOrEqual(128);
  });
});
