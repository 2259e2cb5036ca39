import { describe, expect, it } from 'vitest';
import { canonicalTimeZone } from './time-zone.js';
import { formatZoned } from './zoned-time.js';

/** Every letter-case spelling of `zone`, in a fixed pseudo-random order, up to `count`. */
function* spellings(zone: string, count: number): Generator<string> {
  const letters = [...zone].filter((char) => /[a-z]/i.test(char)).length;
  const variants = Math.min(count, 2 ** Math.min(letters, 30));
  for (let mask = 0; mask < variants; mask += 1) {
    let bit = 0;
    yield [...zone].map((char) => (/[a-z]/i.test(char) ? ((mask >> bit++) & 1 ? char.toUpperCase() : char.toLowerCase()) : char)).join('');
  }
}

const rssMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

describe('time zone spellings (issue 13.2)', () => {
  it('50,000 case spellings of alias and canonical zones leave RSS flat: one canonical id, bounded caches', () => {
    const zones = ['US/Pacific', 'US/Eastern', 'Asia/Calcutta', 'Europe/Kiev', 'America/Argentina/Buenos_Aires', 'Australia/Lord_Howe', 'America/Indiana/Indianapolis', 'America/Los_Angeles', 'America/New_York'];
    const all = zones.flatMap((zone) => [...spellings(zone, 9_000)]);
    expect(new Set(all).size).toBeGreaterThanOrEqual(50_000);
    const use = (spelling: string) => {
      const id = canonicalTimeZone(spelling);
      if (id === null) throw new Error(`${spelling} refused`);
      return formatZoned(1_780_000_000_000, id);
    };
    // Warm up: ICU data, the formatter of each canonical zone, the caches filled to their bound.
    for (const spelling of all.slice(0, 5_000)) use(spelling);
    const before = rssMb();
    const ids = new Set(all.map((spelling) => canonicalTimeZone(spelling)));
    for (const spelling of all) use(spelling);
    const grown = rssMb() - before;
    expect([...ids].sort()).toEqual(['America/Argentina/Buenos_Aires', 'America/Indiana/Indianapolis', 'America/Los_Angeles', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/Kyiv']);
    // Before the fix each spelling kept an Intl.DateTimeFormat: +597 MB for 20,000 spellings.
    expect(grown, `RSS grew ${grown.toFixed(1)} MB`).toBeLessThan(40);
  });
});
