import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { silentLogger } from '../../shared/log/logger.js';
import { testSettings } from './settings.js';

export interface KafkaTestClients {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  /** Disconnects, and first deletes every topic named by (or starting with) an entry of `topics`. */
  close(): Promise<void>;
}

/**
 * A connected admin and producer on the shared broker, for a test file that makes its own topics:
 * it pushes each topic (or topic-name prefix) it creates onto `topics`, and close() deletes them.
 */
export async function connectKafkaTestClients(clientId: string, topics: readonly string[]): Promise<KafkaTestClients> {
  const kafka = createKafka({ clientId, connection: kafkaConnection(testSettings), logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    kafka,
    admin,
    producer,
    close: async () => {
      await producer.disconnect();
      const mine = (await admin.listTopics()).filter((topic) => topics.some((prefix) => topic.startsWith(prefix)));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
      await admin.disconnect();
    },
  };
}
