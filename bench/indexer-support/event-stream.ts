import { Partitioners, type Kafka, type Message } from 'kafkajs';
import type { AuthEvent } from '../../shared/event/auth-event.js';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import { eventAttributes, toKafkaMessage } from '../../shared/kafka/cloud-event.js';
import { AuthSimulator } from '../../shared/simulation/auth-simulator.js';

/** `count` realistic events (seeded), spread over November 2026, validated as the library would. */
export function* simulatedEvents(count: number, seed = 5): Generator<AuthEvent> {
  const simulator = new AuthSimulator({ accounts: 200, usersPerAccount: 500, seed, accountPrefix: 'bench_acct_' });
  const from = new Date('2026-11-01T00:00:00Z');
  const to = new Date('2026-11-26T00:00:00Z');
  for (let n = 0; n < count; n += 1) yield parseAuthEvent(simulator.next(simulator.timestampBetween(from, to)));
}

/** The message the relay publishes for an event. */
export function eventMessage(event: AuthEvent): Message {
  return toKafkaMessage(eventAttributes(event), JSON.stringify(event));
}

/** Produces the events to `topic` in batches of 1,000, a few sends in flight (acks=all). */
export async function produceEvents(kafka: Kafka, topic: string, events: Iterable<AuthEvent>): Promise<number> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  let produced = 0;
  try {
    let batch: Message[] = [];
    const inFlight = new Set<Promise<unknown>>();
    const flush = async () => {
      const sending = producer.send({ topic, acks: -1, messages: batch });
      batch = [];
      inFlight.add(sending);
      const forget = () => inFlight.delete(sending);
      sending.then(forget, forget);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    };
    for (const event of events) {
      batch.push(eventMessage(event));
      produced += 1;
      if (batch.length === 1_000) await flush();
    }
    if (batch.length > 0) await flush();
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  return produced;
}
