import { isIP } from 'node:net';
import type { AuthEvent } from './auth-event.js';
import { EVENT_SCHEMA_VERSION } from './auth-event.js';
import { EVENT_TYPES, FACTORS, REASONS, RESULTS, reasonMatchesResult, type AuthResult, type Reason } from './vocabulary.js';

/** What a consumer of the events topic needs to route an event without parsing it. */
export type EventKeys = Pick<AuthEvent, 'account_id' | 'txid' | 'timestamp' | 'event_type'>;

/**
 * The hottest path of every consumer of the events topic: recognises, straight from the Kafka
 * value's bytes, an event exactly as the relay writes it, JSON.stringify of what parseAuthEvent
 * returns (its fields in the schema's order, no spaces, ASCII), and returns the four fields needed
 * to route it. Nothing is parsed into objects: no JSON.parse, no string per field but those four
 * and the three vocabularies, nothing for the garbage collector.
 *
 * Sound, not complete, like isCanonicalAuthEvent, whose checks it repeats field by field: whatever
 * it accepts, JSON.parse reads as an event isCanonicalAuthEvent accepts (so parseAuthEvent returns
 * it unchanged), and the bytes are one line of valid UTF-8. Anything else (another field order,
 * spaces, an escape, a non-ASCII character, a field out of bounds) returns undefined and the caller
 * takes the full path (JSON.parse, isCanonicalAuthEvent, parseAuthEvent): a gap here costs time,
 * never correctness. canonical-event-bytes.test.ts checks both directions against the full path.
 */
export function scanCanonicalEvent(value: Buffer): EventKeys | undefined {
  const cursor = new Cursor(value);
  if (!cursor.literal(HEAD)) return undefined;
  const account = cursor.identifier();
  if (account === undefined || !cursor.literal(TXID)) return undefined;
  const txid = cursor.identifier();
  if (txid === undefined || !cursor.literal(TIMESTAMP)) return undefined;
  const timestamp = cursor.timestamp();
  if (timestamp === undefined || !cursor.literal(EVENT_TYPE)) return undefined;
  const eventType = cursor.member(EVENT_TYPE_SET);
  if (eventType === undefined || !cursor.literal(RESULT)) return undefined;
  const result = cursor.member(RESULT_SET);
  if (result === undefined || !cursor.literal(REASON)) return undefined;
  const reason = cursor.member(REASON_SET);
  if (reason === undefined || !reasonMatchesResult(result as AuthResult, reason as Reason) || !cursor.literal(FACTOR)) return undefined;
  if (cursor.member(FACTOR_SET) === undefined) return undefined;
  // user
  if (!cursor.literal(USER_KEY) || cursor.identifier() === undefined) return undefined;
  if (!cursor.literal(USER_NAME) || !cursor.text(255) || !cursor.literal(USER_GROUPS) || !cursor.textArray(100, 255)) return undefined;
  // application
  if (!cursor.literal(APPLICATION_KEY) || cursor.identifier() === undefined || !cursor.literal(APPLICATION_NAME) || !cursor.text(255)) return undefined;
  // access_device
  if (!cursor.literal(ACCESS_IP) || !cursor.optionalIp() || !cursor.literal(ACCESS_HOSTNAME) || !cursor.optionalText(255)) return undefined;
  if (!cursor.literal(ACCESS_LOCATION) || !cursor.location()) return undefined;
  if (!cursor.literal(ACCESS_OS) || !cursor.optionalText(64) || !cursor.literal(ACCESS_OS_VERSION) || !cursor.optionalText(64)) return undefined;
  if (!cursor.literal(ACCESS_BROWSER) || !cursor.optionalText(64) || !cursor.literal(ACCESS_BROWSER_VERSION) || !cursor.optionalText(64)) return undefined;
  if (!cursor.literal(ACCESS_ENCRYPTION) || !cursor.optionalBoolean() || !cursor.literal(ACCESS_FIREWALL) || !cursor.optionalBoolean()) return undefined;
  if (!cursor.literal(ACCESS_PASSWORD) || !cursor.optionalBoolean() || !cursor.literal(ACCESS_AGENTS) || !cursor.textArray(32, 128)) return undefined;
  // auth_device: null or an object
  if (!cursor.literal(AUTH_DEVICE)) return undefined;
  if (!cursor.literal(NULL)) {
    if (!cursor.literal(AUTH_NAME) || !cursor.optionalText(255) || !cursor.literal(AUTH_IP) || !cursor.optionalIp()) return undefined;
    if (!cursor.literal(AUTH_LOCATION) || !cursor.location() || !cursor.byte(CLOSE_BRACE)) return undefined;
  }
  if (!cursor.literal(OOD_SOFTWARE) || !cursor.optionalText(255) || !cursor.byte(CLOSE_BRACE) || !cursor.atEnd()) return undefined;
  return { account_id: account, txid, timestamp, event_type: eventType as AuthEvent['event_type'] };
}

const bytes = (text: string) => Buffer.from(text, 'latin1');
const HEAD = bytes(`{"schema_version":${EVENT_SCHEMA_VERSION},"account_id":`);
const TXID = bytes(',"txid":');
const TIMESTAMP = bytes(',"timestamp":');
const EVENT_TYPE = bytes(',"event_type":');
const RESULT = bytes(',"result":');
const REASON = bytes(',"reason":');
const FACTOR = bytes(',"factor":');
const USER_KEY = bytes(',"user":{"key":');
const USER_NAME = bytes(',"name":');
const USER_GROUPS = bytes(',"groups":');
const APPLICATION_KEY = bytes('},"application":{"key":');
const APPLICATION_NAME = bytes(',"name":');
const ACCESS_IP = bytes('},"access_device":{"ip":');
const ACCESS_HOSTNAME = bytes(',"hostname":');
const ACCESS_LOCATION = bytes(',"location":');
const ACCESS_OS = bytes(',"os":');
const ACCESS_OS_VERSION = bytes(',"os_version":');
const ACCESS_BROWSER = bytes(',"browser":');
const ACCESS_BROWSER_VERSION = bytes(',"browser_version":');
const ACCESS_ENCRYPTION = bytes(',"is_encryption_enabled":');
const ACCESS_FIREWALL = bytes(',"is_firewall_enabled":');
const ACCESS_PASSWORD = bytes(',"is_password_set":');
const ACCESS_AGENTS = bytes(',"security_agents":');
const AUTH_DEVICE = bytes('},"auth_device":');
const AUTH_NAME = bytes('{"name":');
const AUTH_IP = bytes(',"ip":');
const AUTH_LOCATION = bytes(',"location":');
const OOD_SOFTWARE = bytes(',"ood_software":');
const LOCATION_CITY = bytes('{"city":');
const LOCATION_STATE = bytes(',"state":');
const LOCATION_COUNTRY = bytes(',"country":');
const NULL = bytes('null');
const TRUE = bytes('true');
const FALSE = bytes('false');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const RESULT_SET: ReadonlySet<string> = new Set(RESULTS);
const REASON_SET: ReadonlySet<string> = new Set(REASONS);
const FACTOR_SET: ReadonlySet<string> = new Set(FACTORS);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A position in the value; every method consumes what it recognises and says whether it did. */
class Cursor {
  at = 0;

  constructor(private readonly buffer: Buffer) {}

  atEnd(): boolean {
    return this.at === this.buffer.length;
  }

  byte(expected: number): boolean {
    if (this.buffer[this.at] !== expected) return false;
    this.at += 1;
    return true;
  }

  literal(expected: Buffer): boolean {
    const { buffer, at } = this;
    if (at + expected.length > buffer.length) return false;
    for (let i = 0; i < expected.length; i += 1) if (buffer[at + i] !== expected[i]) return false;
    this.at = at + expected.length;
    return true;
  }

  /**
   * A JSON string of printable ASCII without escapes, at most `max` characters (one byte each, so
   * its length is the parsed string's length): its content's [start, end), or -1 for anything else.
   */
  #string(max: number): number {
    const { buffer } = this;
    if (buffer[this.at] !== QUOTE) return -1;
    const start = this.at + 1;
    let i = start;
    for (;;) {
      const code = buffer[i];
      if (code === undefined || code < 0x20 || code > 0x7e || code === BACKSLASH) return -1;
      if (code === QUOTE) break;
      i += 1;
    }
    if (i - start > max) return -1;
    this.at = i + 1;
    return start;
  }

  text(max: number): boolean {
    return this.#string(max) >= 0;
  }

  optionalText(max: number): boolean {
    return this.literal(NULL) || this.#string(max) >= 0;
  }

  optionalBoolean(): boolean {
    return this.literal(NULL) || this.literal(TRUE) || this.literal(FALSE);
  }

  /** `[]` or `["a","b"]`: at most maxItems strings of at most maxLength. */
  textArray(maxItems: number, maxLength: number): boolean {
    if (!this.byte(OPEN_BRACKET)) return false;
    if (this.byte(CLOSE_BRACKET)) return true;
    for (let count = 1; count <= maxItems; count += 1) {
      if (!this.text(maxLength)) return false;
      if (this.byte(CLOSE_BRACKET)) return true;
      if (!this.byte(COMMA)) return false;
    }
    return false;
  }

  /** The schema's IDENTIFIER, [A-Za-z0-9][A-Za-z0-9._:-]{0,63}, as a string. */
  identifier(): string | undefined {
    const start = this.#string(64);
    if (start < 0) return undefined;
    const end = this.at - 1;
    const { buffer } = this;
    if (end === start || !isAlphanumeric(buffer[start]!)) return undefined;
    for (let i = start + 1; i < end; i += 1) {
      const code = buffer[i]!;
      if (!isAlphanumeric(code) && code !== 0x2e && code !== 0x5f && code !== 0x3a && code !== 0x2d) return undefined;
    }
    return buffer.toString('latin1', start, end);
  }

  /** A string that is one of `set`'s members. */
  member(set: ReadonlySet<string>): string | undefined {
    const start = this.#string(64);
    if (start < 0) return undefined;
    const text = this.buffer.toString('latin1', start, this.at - 1);
    return set.has(text) ? text : undefined;
  }

  /** Date#toISOString's `YYYY-MM-DDTHH:mm:ss.sssZ` for a real date in years 2000-9999 (isCanonicalAuthEvent's rule). */
  timestamp(): string | undefined {
    const start = this.#string(24);
    if (start < 0 || this.at - 1 - start !== 24) return undefined;
    const b = this.buffer;
    if (b[start + 4] !== 0x2d || b[start + 7] !== 0x2d || b[start + 10] !== 0x54 || b[start + 13] !== 0x3a) return undefined;
    if (b[start + 16] !== 0x3a || b[start + 19] !== 0x2e || b[start + 23] !== 0x5a) return undefined;
    const year = digitsAt(b, start, 4);
    const month = digitsAt(b, start + 5, 2);
    const day = digitsAt(b, start + 8, 2);
    if (year < 2000 || month < 1 || month > 12 || day < 1) return undefined;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return undefined;
    const hour = digitsAt(b, start + 11, 2);
    const minute = digitsAt(b, start + 14, 2);
    const second = digitsAt(b, start + 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || digitsAt(b, start + 20, 3) < 0) return undefined;
    return b.toString('latin1', start, start + 24);
  }

  /** null or an address node:net's isIP accepts (a plain dotted quad checked in place). */
  optionalIp(): boolean {
    if (this.literal(NULL)) return true;
    const start = this.#string(64);
    if (start < 0) return false;
    const end = this.at - 1;
    return isDottedQuad(this.buffer, start, end) || isIP(this.buffer.toString('latin1', start, end)) !== 0;
  }

  location(): boolean {
    return (
      this.literal(LOCATION_CITY) &&
      this.optionalText(128) &&
      this.literal(LOCATION_STATE) &&
      this.optionalText(128) &&
      this.literal(LOCATION_COUNTRY) &&
      this.optionalText(128) &&
      this.byte(CLOSE_BRACE)
    );
  }
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function digitsAt(buffer: Buffer, start: number, length: number): number {
  let number = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = buffer[i]! - 0x30;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** Four decimal octets 0-255 without leading zeros in [start, end): a subset of what isIP accepts as IPv4. */
function isDottedQuad(buffer: Buffer, start: number, end: number): boolean {
  let octets = 0;
  let i = start;
  while (i < end) {
    const first = i;
    let octet = 0;
    while (i < end && i - first < 3) {
      const digit = buffer[i]! - 0x30;
      if (digit < 0 || digit > 9) break;
      octet = octet * 10 + digit;
      i += 1;
    }
    const digits = i - first;
    if (digits === 0 || octet > 255 || (digits > 1 && buffer[first] === 0x30)) return false;
    octets += 1;
    if (i === end) break;
    if (octets === 4 || buffer[i] !== 0x2e) return false;
    i += 1;
    if (i === end) return false;
  }
  return octets === 4;
}
