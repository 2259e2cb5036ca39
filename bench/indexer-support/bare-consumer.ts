/**
 * The second baseline of indexer-throughput, run as a process of its own like the indexer: a bare
 * kafkajs consumer of the same topic, with the indexer's consumer settings, bulk size and bulks in
 * flight, feeding the indexer's bulk sender. Values are passed through untouched: the _id, routing
 * and month come from the ce_id header, the key and the ce_time header, nothing is parsed or
 * checked. Offsets are committed in order after each bulk, as the indexer does. What the indexer
 * spends beyond this process is the price of its checks and bookkeeping; what this process spends
 * is what any Kafka consumer feeding Elasticsearch pays (kafkajs, the bulk body, the HTTP send).
 *
 * Logs one JSON line `partitions assigned` (the bench's clock starts there); SIGTERM drains and exits 0.
 */
import type { KafkaMessage } from 'kafkajs';
import { loadConfig } from '../../shared/config/load-config.js';
import { createElasticsearch } from '../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../shared/elasticsearch/elasticsearch-connection.js';
import { eventIndexNames, monthlyIndexFor } from '../../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../../shared/elasticsearch/event-template.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { waitWithHeartbeat } from '../../shared/kafka/wait-with-heartbeat.js';
import { silentLogger } from '../../shared/log/logger.js';
import type { BulkItem } from '../../services/indexer/src/bulk-item.js';
import { createElasticsearchBulkSender } from '../../services/indexer/src/elasticsearch-bulk-sender.js';
import { indexerSettings } from '../../services/indexer/src/indexer-settings.js';
import { Slots } from '../../services/indexer/src/slots.js';

const config = loadConfig(indexerSettings);
const topic = config.INDEXER_TOPIC;
const names = eventIndexNames(config.INDEXER_INDEX_PREFIX);
const log = (msg: string, fields: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);

const kafka = createKafka({ clientId: 'bench-bare-consumer', connection: kafkaConnection(config), logger: silentLogger });
const es = createElasticsearch({ connection: elasticsearchConnection(config), requestTimeoutMs: config.INDEXER_BULK_TIMEOUT_MS });
const send = createElasticsearchBulkSender(es, { timeoutMs: config.INDEXER_BULK_TIMEOUT_MS });
const consumer = kafka.consumer({
  groupId: config.INDEXER_GROUP_ID,
  sessionTimeout: config.INDEXER_SESSION_TIMEOUT_MS,
  heartbeatInterval: config.INDEXER_HEARTBEAT_INTERVAL_MS,
  maxBytesPerPartition: config.INDEXER_MAX_BYTES_PER_PARTITION,
  maxWaitTimeInMs: config.INDEXER_FETCH_MAX_WAIT_MS,
});
const slots = new Slots(config.INDEXER_MAX_IN_FLIGHT_BULKS);
/** Index name per `YYYY-MM` of ce_time. */
const indices = new Map<string, string>();

let open: BulkItem<null>[] = [];
let lastOffsets = new Map<number, string>();
let firstAt = 0;
let linger: NodeJS.Timeout | undefined;
let tail: Promise<void> = Promise.resolve();

function fail(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

function toItem(message: KafkaMessage): BulkItem<null> {
  const headers = message.headers ?? {};
  const time = String(headers.ce_time);
  const month = time.slice(0, 7);
  let index = indices.get(month);
  if (index === undefined) indices.set(month, (index = monthlyIndexFor(names, time)));
  const source = message.value!;
  return { index, id: String(headers.ce_id), routing: String(message.key), source, bytes: source.length, origin: null };
}

/** Sends the open bulk once a slot is free; its offsets are committed after it and every earlier bulk. */
function seal(): Promise<void> {
  clearTimeout(linger);
  linger = undefined;
  const items = open;
  const offsets = lastOffsets;
  if (items.length === 0) return Promise.resolve();
  open = [];
  lastOffsets = new Map();
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const previous = tail;
  tail = (async () => {
    await slots.acquire();
    markStarted();
    try {
      const outcomes = await send(items);
      const failed = outcomes.find((outcome) => outcome.status !== 'indexed');
      if (failed !== undefined) throw new Error(`bare consumer: a document was not indexed: ${JSON.stringify(failed)}`);
    } finally {
      slots.release();
    }
    await previous;
    await consumer.commitOffsets([...offsets].map(([partition, offset]) => ({ topic, partition, offset: (BigInt(offset) + 1n).toString() })));
  })();
  tail.catch(fail);
  return started;
}

// The indexer's template (mappings, shards, refresh interval): Elasticsearch does the same work for both.
await ensureEventTemplate(es, names, { shards: config.INDEXER_INDEX_SHARDS, replicas: config.INDEXER_INDEX_REPLICAS, refreshInterval: config.INDEXER_REFRESH_INTERVAL });
/** The indexer's linger policy: a partial bulk waits while another one already waits for a slot, so bulks stay large. */
function armLinger(delayMs: number): void {
  if (linger !== undefined) return;
  linger = setTimeout(() => {
    linger = undefined;
    if (open.length === 0) return;
    if (slots.queued > 0) armLinger(20);
    else void seal();
  }, Math.max(0, delayMs));
}

consumer.on(consumer.events.GROUP_JOIN, (event) => log('partitions assigned', { partitions: event.payload.memberAssignment[topic] ?? [] }));
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  partitionsConsumedConcurrently: 1,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    const { messages, partition } = batch;
    const last = messages.at(-1);
    if (last === undefined) return;
    if (open.length === 0) firstAt = performance.now();
    for (const message of messages) {
      open.push(toItem(message));
      lastOffsets.set(partition, message.offset);
      if (open.length >= config.INDEXER_BATCH_MAX_DOCS) {
        await waitWithHeartbeat(seal(), heartbeat, config.INDEXER_HEARTBEAT_INTERVAL_MS);
        firstAt = performance.now();
      }
    }
    resolveOffset(last.offset);
    if (open.length > 0) armLinger(config.INDEXER_BATCH_LINGER_MS - (performance.now() - firstAt));
  },
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  consumer.pause([{ topic }]);
  void (async () => {
    await seal();
    await tail;
    await consumer.disconnect();
    await es.close();
    process.exit(0);
  })().catch(fail);
});
