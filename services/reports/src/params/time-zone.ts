import { LruCache } from '../../../../shared/util/lru-cache.js';

/**
 * IANA time zones, checked with the runtime's ICU data, each answered by ONE canonical id whatever
 * the spelling: "us/PACIFIC", "US/Pacific" and "America/Los_Angeles" are all America/Los_Angeles.
 * Everything downstream (formatter caches, Elasticsearch queries, cursors, stored account settings)
 * sees only canonical ids, of which there are a few hundred, so no spelling can grow a cache.
 *
 * ICU answers some zones by their legacy id (Asia/Kolkata -> Asia/Calcutta, Europe/Kyiv ->
 * Europe/Kiev); the current IANA id is what customers expect to read back and what Java
 * (Elasticsearch) and the zoneinfo files know too, so those are mapped forward, each mapping kept
 * only if this runtime's ICU agrees that both names are the same zone.
 */
const ICU_LEGACY_IDS: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

// Only names shaped like IANA ids: no offsets ("+02:00") or abbreviations ICU would also accept.
const SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/**
 * Keyed by the lower-cased name (ICU ignores case), so the case spellings of one zone cost one
 * Intl lookup in all: each lookup builds a formatter whose ICU memory V8 reclaims late, which is
 * what made 20,000 spellings cost 600 MB. Bounded, since invalid names are keys too.
 */
const answers = new LruCache<string, string | null>(2_000);
let forward: ReadonlyMap<string, string> | undefined;

/** The canonical id of the zone `name` spells, or null when it is not a time zone. */
export function canonicalTimeZone(name: string): string | null {
  if (name.length > 64 || !SHAPE.test(name)) return null;
  const key = name.toLowerCase();
  const known = answers.get(key);
  if (known !== undefined) return known;
  const result = resolve(key);
  answers.set(key, result);
  return result;
}

function resolve(name: string): string | null {
  const icuId = icuIdOf(name);
  if (icuId === null) return null;
  forward ??= new Map(Object.entries(ICU_LEGACY_IDS).filter(([legacy, current]) => icuIdOf(current) === legacy));
  return forward.get(icuId) ?? icuId;
}

function icuIdOf(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
