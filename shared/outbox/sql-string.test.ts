import { escape } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { sqlString } from './sql-string.js';

describe('sqlString', () => {
  it('quotes text as mysql2 does, leaving double quotes as they are', () => {
    for (const text of ['plain', `it's`, 'back\\slash', 'nul\0', 'line\nfeed\r', 'ctrl\x1aZ', `{"a":"b\\"c"}`, "''\\\\", '']) {
      expect(sqlString(text).replaceAll('"', '\\"'), JSON.stringify(text)).toBe(escape(text));
    }
    expect(sqlString(null)).toBe('NULL');
  });
});
