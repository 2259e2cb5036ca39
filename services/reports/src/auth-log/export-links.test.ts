import { describe, expect, it } from 'vitest';
import { ExportLinkError } from '../errors/export-link-error.js';
import { ExportLinks } from './export-links.js';

describe('download links', () => {
  it('verify only unaltered links within their lifetime', () => {
    let now = 1_000;
    const links = new ExportLinks(Buffer.alloc(32, 7), 60_000, () => now);
    const { token } = links.sign('acct_a', 'key_a', 'format=csv');
    expect(links.verify(token)).toMatchObject({ accountId: 'acct_a', keyId: 'key_a', query: 'format=csv', expiresAtMs: 61_000 });
    // Each link has its own id, so spending one spends no other.
    expect(links.verify(links.sign('acct_a', 'key_a', 'format=csv').token).linkId).not.toBe(links.verify(token).linkId);
    const other = new ExportLinks(Buffer.alloc(32, 8), 60_000, () => now);
    expect(() => other.verify(token)).toThrow(ExportLinkError);
    now = 61_001;
    expect(() => links.verify(token)).toThrow(/expired/);
  });
});
