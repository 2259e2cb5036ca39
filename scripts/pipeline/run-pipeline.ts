/**
 * npm start: the whole pipeline on this machine. Expects the stack to be up (npm start runs
 * `scripts/stack start` first), applies migrations, prepares the demo accounts and credentials,
 * starts every service as its own process (restarted if it dies), drives traffic, and prints a
 * status board. Ctrl-C (or SIGTERM) stops everything cleanly, traffic first.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { settingsOrExit } from '../../shared/config/settings-or-exit.js';
import { sleep } from '../../shared/util/sleep.js';
import { ensureDemoEndpoint, prepareDemo, localEncryptionKeysFile } from './demo-setup.js';
import { pipelineProcesses } from './pipeline-processes.js';
import { loadPipelineSettings, PORTS } from './pipeline-settings.js';
import { renderBoard, type BoardFigure } from './status-board.js';
import { SupervisedProcess } from './supervised-process.js';

const FIGURES: BoardFigure[] = [
  { label: 'logins', process: 'auth-demo', metric: 'auth_demo_logins_total' },
  { label: 'outbox backlog', process: 'relay', metric: 'relay_backlog_rows' },
  { label: 'published', process: 'relay', metric: 'relay_published_events_total' },
  { label: 'indexed', process: 'indexer', metric: 'indexer_documents_indexed_total' },
  { label: 'webhook attempts', process: 'webhook-dispatcher', metric: 'webhook_dispatcher_attempts_total' },
  { label: 'received', process: 'demo-receiver', metric: 'demo_receiver_distinct_messages' },
];

const root = resolve(import.meta.dirname, '..', '..', '..');
const settings = settingsOrExit('pipeline', loadPipelineSettings);
const runDir = resolve(root, settings.PIPELINE_RUN_DIR);
await mkdir(join(runDir, 'logs'), { recursive: true });

let credentials = await prepareDemo(settings, runDir);
const encryptionKeysFile = await localEncryptionKeysFile(runDir);
const specs = pipelineProcesses(join(root, 'dist'), settings, { ...credentials, encryptionKeysFile }).filter((spec) => spec.name !== 'traffic-generator' || settings.TRAFFIC_RATE > 0);
const processes = specs.map((spec) => new SupervisedProcess(spec, join(runDir, 'logs', `${spec.name}.log`)));

const stopping = new AbortController();
let signals = 0;
const onSignal = () => {
  signals += 1;
  if (signals > 1) {
    for (const child of processes) child.kill();
    process.exit(1);
  }
  for (const child of processes) child.beginStop();
  stopping.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// Children run in their own process groups; if we go, they go (a SIGKILL of this process is the one
// case that leaves them running: `pkill -f dist/services/` cleans up).
process.on('exit', () => {
  for (const child of processes) child.kill();
});

for (const child of processes) child.start();
console.log(`starting ${processes.length} processes; logs in ${join(runDir, 'logs')}`);
credentials = await registerEndpointWhenReady(credentials);

console.log(`
  Admin Panel   http://127.0.0.1:${PORTS.reports}/   (API key for the demo account ${credentials.accountId}: ${credentials.apiKey})
  Reports API   http://127.0.0.1:${PORTS.reports}/v1/...    Webhook API  http://127.0.0.1:${PORTS.webhookApi}/v1/endpoints
  Auth service  http://127.0.0.1:${PORTS.authDemo}/v1/logins   Ctrl-C stops everything.
`);

while (!stopping.signal.aborted) {
  console.log(await renderBoard(processes, FIGURES));
  await sleep(process.stdout.isTTY ? 5_000 : 30_000, stopping.signal);
}

console.log('stopping: traffic first, then the services');
for (const child of [...processes].reverse()) await child.stop(30_000);
console.log('stopped');

async function registerEndpointWhenReady(current: typeof credentials): Promise<typeof credentials> {
  for (let attempt = 0; attempt < 120 && !stopping.signal.aborted; attempt += 1) {
    try {
      return await ensureDemoEndpoint(current, runDir, `http://127.0.0.1:${PORTS.webhookApi}`, `http://127.0.0.1:${PORTS.receiver}/hook`);
    } catch (error) {
      if (attempt % 10 === 9) console.log(`waiting for the webhook API: ${error instanceof Error ? error.message : String(error)}`);
      await sleep(500, stopping.signal);
    }
  }
  return current;
}
