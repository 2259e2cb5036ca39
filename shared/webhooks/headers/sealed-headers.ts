import type { KeyRing } from '../../crypto/key-ring.js';
import { CustomHeaders } from './custom-headers.js';

/** The columns of a webhook_endpoints row that hold its custom headers. */
export interface HeaderColumns {
  /** JSON array of the names, in the customer's spelling: what every read shows (values never). */
  readonly header_names: string;
  readonly headers_key_id: string | null;
  readonly headers_sealed: Buffer | null;
}

export type HeaderPairs = readonly (readonly [string, string])[];

/** Sealed for its endpoint (authenticated context): a blob copied to another row does not open. */
const context = (endpointId: string) => `webhook_endpoints.headers:${endpointId}`;

/** No headers: nothing sealed, an empty name list. */
export const NO_HEADER_COLUMNS: HeaderColumns = Object.freeze({ header_names: '[]', headers_key_id: null, headers_sealed: null });

export function sealHeaders(keys: KeyRing, endpointId: string, headers: HeaderPairs): HeaderColumns {
  if (headers.length === 0) return NO_HEADER_COLUMNS;
  const { keyId, sealed } = keys.seal(JSON.stringify(headers), context(endpointId));
  return { header_names: JSON.stringify(headers.map(([name]) => name)), headers_key_id: keyId, headers_sealed: sealed };
}

/** The name/value pairs of a row; a blob that does not open throws DecryptionError (never an empty set). */
export function openHeaderPairs(keys: KeyRing, endpointId: string, row: Pick<HeaderColumns, 'headers_key_id' | 'headers_sealed'>): HeaderPairs {
  if (row.headers_key_id === null || row.headers_sealed === null) return [];
  const parsed: unknown = JSON.parse(keys.open({ keyId: row.headers_key_id, sealed: row.headers_sealed }, context(endpointId)));
  if (!Array.isArray(parsed) || !parsed.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string')) {
    throw new Error(`the custom headers of endpoint ${endpointId} opened but are not a list of name/value pairs`);
  }
  return parsed as [string, string][];
}

export function openHeaders(keys: KeyRing, endpointId: string, row: Pick<HeaderColumns, 'headers_key_id' | 'headers_sealed'>): CustomHeaders {
  const pairs = openHeaderPairs(keys, endpointId, row);
  return pairs.length === 0 ? CustomHeaders.NONE : new CustomHeaders(pairs);
}

export function parseHeaderNames(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === 'string') : [];
}
