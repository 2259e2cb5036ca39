// Child process of kafkajs-timer-warning.test.ts: connects one admin client, stays idle for a
// while, and prints what it measured as one JSON line. `patched` selects our createKafka (which
// applies the request-queue patch) or a bare kafkajs client (the control that shows the bug).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const [mode, brokers, root] = process.argv.slice(2);
const require = createRequire(resolve(root, 'package.json'));
let kafka;
if (mode === 'patched') {
  const { createKafka } = await import(resolve(root, 'dist/shared/kafka/create-kafka.js'));
  const { silentLogger } = await import(resolve(root, 'dist/shared/log/logger.js'));
  kafka = createKafka({ clientId: 'timer-warning-test', connection: { brokers: brokers.split(',') }, logger: silentLogger });
} else {
  const { Kafka, logLevel } = require('kafkajs');
  kafka = new Kafka({ clientId: 'timer-warning-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}
// Count the request queue's timer arming while idle (same module instance as the connections use).
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js');
let armed = 0;
const originalSetTimeout = globalThis.setTimeout;
const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
RequestQueue.prototype.scheduleCheckPendingRequests = function counted() {
  const before = this.throttleCheckTimeoutId;
  schedule.call(this);
  if (this.throttleCheckTimeoutId && this.throttleCheckTimeoutId !== before) armed += 1;
};
const admin = kafka.admin();
await admin.connect();
await admin.listTopics();
const start = armed;
await new Promise((done) => originalSetTimeout(done, 1500));
const idleArmed = armed - start;
await admin.listTopics();
await admin.disconnect();
// Any other warning still reaches stderr: nothing listens for 'warning' to swallow them.
process.emitWarning('still printed', 'ProbeWarning');
console.log(JSON.stringify({ idleArmed }));
