import { ValidationError } from '../../errors/validation-error.js';
import { headersTotalBytes, MAX_HEADERS, MAX_HEADERS_TOTAL_BYTES } from './header-rules.js';
import type { HeaderPairs } from './sealed-headers.js';

/**
 * A PATCH's headers applied to the stored ones: a string sets (replacing a name in any case), null
 * removes, an absent name stays. The result is checked against the bounds as a whole, so a patch
 * cannot grow the set past them a header at a time.
 */
export function mergeHeaders(existing: HeaderPairs, patch: Readonly<Record<string, string | null>>): HeaderPairs {
  const merged = new Map(existing.map(([name, value]) => [name.toLowerCase(), [name, value] as const]));
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) merged.delete(name.toLowerCase());
    else merged.set(name.toLowerCase(), [name, value]);
  }
  return checkHeaderBounds([...merged.values()]);
}

/** Throws a ValidationError on `headers` past the count or size bound; returns the pairs. */
export function checkHeaderBounds(headers: HeaderPairs): HeaderPairs {
  if (headers.length > MAX_HEADERS) throw new ValidationError([{ field: 'headers', expected: `at most ${MAX_HEADERS} headers per endpoint (${headers.length} after this change)` }]);
  const bytes = headersTotalBytes(headers);
  if (bytes > MAX_HEADERS_TOTAL_BYTES) throw new ValidationError([{ field: 'headers', expected: `at most ${MAX_HEADERS_TOTAL_BYTES} bytes of names and values per endpoint (${bytes} after this change)` }]);
  return headers;
}
