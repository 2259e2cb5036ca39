import { describe, expect, it } from 'vitest';
import { scopesFromColumn, scopesToColumn } from './scopes.js';

describe('scopes', () => {
  it('store in one order, each once, and read back only the scopes this version knows', () => {
    expect(scopesToColumn(['keys:admin', 'logs:read', 'keys:admin'])).toBe('logs:read keys:admin');
    expect(scopesFromColumn('logs:read keys:admin')).toEqual(['logs:read', 'keys:admin']);
    expect(scopesFromColumn('')).toEqual([]);
    expect(scopesFromColumn('logs:read billing:admin')).toEqual(['logs:read']);
  });
});
