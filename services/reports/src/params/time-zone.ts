/**
 * IANA time zones, checked with the runtime's ICU data. Elasticsearch (Java) and MariaDB know the
 * same canonical names, so a name that passes here buckets the same way there.
 */
const canonical = new Map<string, string | null>();

/** The canonical name of `name` (e.g. "utc" -> "UTC", "US/Eastern" -> "America/New_York"), or null. */
export function canonicalTimeZone(name: string): string | null {
  if (canonical.has(name)) return canonical.get(name) ?? null;
  let result: string | null = null;
  // Only names shaped like IANA ids: no offsets ("+02:00") or abbreviations ICU would also accept.
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name) && name.length <= 64) {
    try {
      result = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      result = null;
    }
  }
  if (canonical.size < 1000) canonical.set(name, result);
  return result;
}
