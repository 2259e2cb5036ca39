import type { Message } from 'kafkajs';
import type { AuthEvent } from '../../../shared/event/auth-event.js';
import type { AuthEventInput } from '../../../shared/event/auth-event-schema.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { eventAttributes, toKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { AuthSimulator } from '../../../shared/simulation/auth-simulator.js';

/** The Kafka message the relay publishes for an event (CloudEvents binary mode, key = account). */
export function eventMessage(input: AuthEventInput | AuthEvent): Message {
  const event = parseAuthEvent(input);
  return toKafkaMessage(eventAttributes(event), JSON.stringify(event));
}

/** `count` simulated events spread over [from, to), for a few accounts of a test's own. */
export function simulatedEvents(count: number, options: { accountPrefix: string; from: Date; to: Date; seed?: number; accounts?: number }): AuthEvent[] {
  const simulator = new AuthSimulator({ accounts: options.accounts ?? 5, usersPerAccount: 50, seed: options.seed ?? 7, accountPrefix: options.accountPrefix });
  return Array.from({ length: count }, () => parseAuthEvent(simulator.next(simulator.timestampBetween(options.from, options.to))));
}
