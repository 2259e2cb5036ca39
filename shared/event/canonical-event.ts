import { isIP } from 'node:net';
import type { AuthEvent } from './auth-event.js';
import { EVENT_SCHEMA_VERSION } from './auth-event.js';
import { EVENT_TYPES, FACTORS, REASONS, RESULTS, reasonMatchesResult, type AuthResult, type Reason } from './vocabulary.js';

/**
 * The hot-path check of a parsed Kafka value, for every consumer of the events topic (through
 * shared/kafka/event-message-decoder.ts): true when `json` is an event exactly as parseAuthEvent
 * would return it (valid, every field present, timestamp already in canonical UTC), so its bytes
 * can be indexed or sent as they are, without zod and without serialising it again.
 *
 * It must be sound, not complete: whatever it accepts, parseAuthEvent accepts and returns
 * unchanged (canonical-event.test.ts checks that against parseAuthEvent). Whatever it refuses goes
 * the slow way (parseAuthEvent: VALIDATION_FAILED with zod's message, or a valid but non-canonical
 * event normalised and serialised again), so a gap here costs time, never correctness. That keeps
 * every document a parseAuthEvent-valid event, which readers of `_source` (reports, exports) rely
 * on, and keeps the dead-letter reasons as they were; Elasticsearch's strict mapping alone would
 * let through what it coerces (numbers or arrays into keywords, overlong strings, missing fields).
 *
 * The limits repeat shared/event/auth-event-schema.ts (which does not export them), written as
 * plain loops rather than its regexes and Date round trip (together about 1 us of the ~2 us
 * budget per event); the tests probe each boundary against parseAuthEvent, so the two cannot drift
 * apart unnoticed.
 */
export function isCanonicalAuthEvent(json: unknown): json is AuthEvent {
  if (!isPlainObject(json)) return false;
  const event = json as Record<string, unknown>;
  const { result, reason } = event;
  return (
    countKeys(event) === 13 &&
    event.schema_version === EVENT_SCHEMA_VERSION &&
    isIdentifier(event.account_id) &&
    isIdentifier(event.txid) &&
    isCanonicalTimestamp(event.timestamp) &&
    EVENT_TYPE_SET.has(event.event_type as string) &&
    RESULT_SET.has(result as string) &&
    REASON_SET.has(reason as string) &&
    reasonMatchesResult(result as AuthResult, reason as Reason) &&
    FACTOR_SET.has(event.factor as string) &&
    isUser(event.user) &&
    isApplication(event.application) &&
    isAccessDevice(event.access_device) &&
    (event.auth_device === null || isAuthDevice(event.auth_device)) &&
    isOptionalText(event.ood_software, 255)
  );
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const RESULT_SET: ReadonlySet<string> = new Set(RESULTS);
const REASON_SET: ReadonlySet<string> = new Set(REASONS);
const FACTOR_SET: ReadonlySet<string> = new Set(FACTORS);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own enumerable keys; with every expected key present, a larger count means an unknown field (refused by the strict schema). */
function countKeys(object: Record<string, unknown>): number {
  let count = 0;
  for (const _ in object) count += 1;
  return count;
}

/** auth-event-schema.ts's IDENTIFIER, /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, without a regex (four per event). */
function isIdentifier(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || !isAlphanumeric(value.charCodeAt(0))) return false;
  for (let i = 1; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (!isAlphanumeric(code) && code !== 0x2e && code !== 0x5f && code !== 0x3a && code !== 0x2d) return false;
  }
  return true;
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isOptionalText(value: unknown, max: number): boolean {
  return value === null || (typeof value === 'string' && value.length <= max);
}

function isOptionalBoolean(value: unknown): boolean {
  return value === null || value === true || value === false;
}

/** node:net isIP, as the schema checks; a plain dotted quad (nearly every address) is recognised without its regexes. */
function isOptionalIp(value: unknown): boolean {
  return value === null || (typeof value === 'string' && (isDottedQuad(value) || isIP(value) !== 0));
}

/** Four decimal octets 0-255 without leading zeros: a subset of what isIP accepts as IPv4. */
function isDottedQuad(value: string): boolean {
  let octets = 0;
  let i = 0;
  while (i < value.length) {
    const start = i;
    let octet = 0;
    while (i < value.length && i - start < 3) {
      const digit = value.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > 9) break;
      octet = octet * 10 + digit;
      i += 1;
    }
    const digits = i - start;
    if (digits === 0 || octet > 255 || (digits > 1 && value.charCodeAt(start) === 0x30)) return false;
    octets += 1;
    if (i === value.length) break;
    if (octets === 4 || value.charCodeAt(i) !== 0x2e) return false;
    i += 1;
    if (i === value.length) return false;
  }
  return octets === 4;
}

function isTextArray(value: unknown, maxItems: number, maxLength: number): boolean {
  if (!Array.isArray(value) || value.length > maxItems) return false;
  for (const item of value) if (!isText(item, maxLength)) return false;
  return true;
}

/**
 * Already what the schema stores, Date#toISOString's `YYYY-MM-DDTHH:mm:ss.sssZ` for a real date in
 * years 2000-9999, read field by field (a round trip through Date costs three times as much).
 */
function isCanonicalTimestamp(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 24) return false;
  if (value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d || value.charCodeAt(10) !== 0x54 || value.charCodeAt(13) !== 0x3a) return false;
  if (value.charCodeAt(16) !== 0x3a || value.charCodeAt(19) !== 0x2e || value.charCodeAt(23) !== 0x5a) return false;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 2000 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return false;
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && digitsAt(value, 20, 3) >= 0;
}

/** The decimal number written by `length` digits at `start`, or -1 if one of them is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let number = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

function isUser(value: unknown): boolean {
  if (!isPlainObject(value) || countKeys(value) !== 3) return false;
  return isIdentifier(value.key) && isText(value.name, 255) && isTextArray(value.groups, 100, 255);
}

function isApplication(value: unknown): boolean {
  if (!isPlainObject(value) || countKeys(value) !== 2) return false;
  return isIdentifier(value.key) && isText(value.name, 255);
}

function isLocation(value: unknown): boolean {
  if (!isPlainObject(value) || countKeys(value) !== 3) return false;
  return isOptionalText(value.city, 128) && isOptionalText(value.state, 128) && isOptionalText(value.country, 128);
}

function isAccessDevice(value: unknown): boolean {
  if (!isPlainObject(value) || countKeys(value) !== 11) return false;
  return (
    isOptionalIp(value.ip) &&
    isOptionalText(value.hostname, 255) &&
    isLocation(value.location) &&
    isOptionalText(value.os, 64) &&
    isOptionalText(value.os_version, 64) &&
    isOptionalText(value.browser, 64) &&
    isOptionalText(value.browser_version, 64) &&
    isOptionalBoolean(value.is_encryption_enabled) &&
    isOptionalBoolean(value.is_firewall_enabled) &&
    isOptionalBoolean(value.is_password_set) &&
    isTextArray(value.security_agents, 32, 128)
  );
}

function isAuthDevice(value: unknown): boolean {
  if (!isPlainObject(value) || countKeys(value) !== 3) return false;
  return isOptionalText(value.name, 255) && isOptionalIp(value.ip) && isLocation(value.location);
}
