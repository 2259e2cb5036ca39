/**
 * IANA time zones, checked with the runtime's ICU data. A valid name is kept as the caller spelt it
 * (ICU would turn Asia/Kolkata into its legacy id Asia/Calcutta; Java, which Elasticsearch uses, and
 * MariaDB know both), except that letter case is fixed where ICU lists the zone, since Java's zone ids
 * are case-sensitive ("utc" -> "UTC", "europe/berlin" -> "Europe/Berlin").
 */
const canonical = new Map<string, string | null>();
let listed: Map<string, string> | undefined;

/** The name to use for `name`, or null when it is not a time zone. */
export function canonicalTimeZone(name: string): string | null {
  if (canonical.has(name)) return canonical.get(name) ?? null;
  let result: string | null = null;
  // Only names shaped like IANA ids: no offsets ("+02:00") or abbreviations ICU would also accept.
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name) && name.length <= 64) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
      listed ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));
      result = listed.get(name.toLowerCase()) ?? (resolved.toLowerCase() === name.toLowerCase() ? resolved : name);
    } catch {
      result = null;
    }
  }
  if (canonical.size < 1000) canonical.set(name, result);
  return result;
}
