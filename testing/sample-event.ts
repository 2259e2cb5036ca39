import { randomUUID } from 'node:crypto';
import type { AuthEventInput } from '../shared/event/auth-event-schema.js';

/** A valid event; `overrides` replace top-level fields. */
export function sampleEvent(overrides: Partial<Record<keyof AuthEventInput, unknown>> = {}): AuthEventInput {
  return {
    account_id: 'acct_test',
    txid: randomUUID(),
    timestamp: '2026-11-26T10:00:00.000Z',
    event_type: 'authentication',
    result: 'success',
    reason: 'user_approved',
    factor: 'duo_push',
    user: { key: 'DU0001', name: 'ada@example.com', groups: ['engineering'] },
    application: { key: 'DI0001', name: 'VPN' },
    access_device: {
      ip: '203.0.113.7',
      hostname: null,
      location: { city: 'Ann Arbor', state: 'Michigan', country: 'United States' },
      os: 'Mac OS X',
      os_version: '15.1',
      browser: 'Chrome',
      browser_version: '131.0',
      is_encryption_enabled: true,
      is_firewall_enabled: true,
      is_password_set: true,
      security_agents: [],
    },
    auth_device: { name: '+1 555 0100', ip: '198.51.100.9', location: { city: null, state: null, country: 'United States' } },
    ood_software: null,
    ...overrides,
  } as AuthEventInput;
}
