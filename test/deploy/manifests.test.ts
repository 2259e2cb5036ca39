import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { mysqlConnectionSettings } from '../../shared/config/connection-settings.js';
import { commonSettings } from '../../shared/config/common-settings.js';
import { isSecretSetting } from '../../shared/config/secret-setting.js';
import { indexerSettings } from '../../services/indexer/src/indexer-settings.js';
import { ledgerSettings } from '../../services/ledger/src/ledger-settings.js';
import { lifecycleSettings } from '../../services/lifecycle/src/lifecycle-settings.js';
import { relaySettings } from '../../services/relay/src/relay-settings.js';
import { reportsSettings } from '../../services/reports/src/reports-settings.js';
import { webhookApiSettings } from '../../services/webhook-api/src/webhook-api-settings.js';
import { dispatcherSettings } from '../../services/webhook-dispatcher/src/dispatcher-settings.js';

/**
 * deploy/base against the code: every manifest parses, every variable a workload reads (taken from
 * its settings object, not from a list kept by hand) is documented and either set or defaulted,
 * nothing set is a variable the workload does not read, and probes, scraping, secrets and
 * disruption budgets are where the deployment notes say.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const BASE = join(ROOT, 'deploy', 'base');
const readText = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Manifest = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> };
type Container = {
  name: string;
  command: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodSpec = { containers: Container[]; volumes?: { name: string; secret?: { secretName: string } }[]; terminationGracePeriodSeconds?: number };

const kustomization = parseAllDocuments(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8'))[0]?.toJS() as { resources: string[] };
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(BASE, file), 'utf8')).map((document) => {
    expect(document.errors, file).toEqual([]);
    return document.toJS() as Manifest;
  }),
);
const byKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const configMap = (name: string) => byKind('ConfigMap').find((manifest) => manifest.metadata.name === name)?.data ?? {};
const podSpec = (manifest: Manifest) => (manifest.spec?.template as { spec: PodSpec }).spec;

/** Each workload, the settings object its process reads, and where its settings are documented. */
const WORKLOADS: Record<string, { settings: z.ZodRawShape; readme: string }> = {
  'authlog-relay': { settings: relaySettings, readme: 'services/relay/README.md' },
  'authlog-indexer': { settings: indexerSettings, readme: 'services/indexer/README.md' },
  'authlog-webhook-dispatcher': { settings: dispatcherSettings, readme: 'services/webhook-dispatcher/README.md' },
  'authlog-webhook-api': { settings: webhookApiSettings, readme: 'services/webhook-api/README.md' },
  'authlog-reports': { settings: reportsSettings, readme: 'services/reports/README.md' },
  'authlog-lifecycle': { settings: lifecycleSettings, readme: 'services/lifecycle/README.md' },
  'authlog-ledger': { settings: ledgerSettings, readme: 'services/ledger/README.md' },
  'authlog-migrate': { settings: mysqlConnectionSettings, readme: 'README.md' },
};
const deployDoc = readText('docs/deploy.md');

function workloads(): { name: string; pod: PodSpec }[] {
  return [...byKind('Deployment'), ...byKind('Job')].map((manifest) => ({ name: manifest.metadata.name, pod: podSpec(manifest) }));
}

/** The variables a container gets: its own env, then every ConfigMap it takes whole. */
function environmentOf(container: Container): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef !== undefined) for (const [name, value] of Object.entries(configMap(source.configMapRef.name))) env.set(name, value);
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable.value);
  return env;
}

describe('deploy/base', () => {
  it('lists every manifest in its kustomization, and every listed file exists', () => {
    const files = readdirSync(BASE).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    for (const file of kustomization.resources) expect(existsSync(join(BASE, file))).toBe(true);
  });

  it('has a workload for every production service and the migrations, each mapped to its settings', () => {
    expect(workloads().map((workload) => workload.name).sort()).toEqual(Object.keys(WORKLOADS).sort());
  });

  it.each(Object.keys(WORKLOADS))('%s: every variable it reads is documented and set or defaulted; everything set is read', (name) => {
    const workload = workloads().find((candidate) => candidate.name === name);
    const { settings, readme } = WORKLOADS[name]!;
    const container = workload!.pod.containers[0]!;
    const env = environmentOf(container);
    const documentation = `${readText(readme)}\n${deployDoc}`;
    for (const [variable, schema] of Object.entries(settings)) {
      expect(documentation, `${variable} is not documented in ${readme} or docs/deploy.md`).toContain(variable);
      const set = env.has(variable) || (isSecretSetting(schema as z.ZodType) && env.has(`${variable}_FILE`));
      const defaulted = (schema as z.ZodType).safeParse(undefined).success;
      expect(set || defaulted, `${name} reads ${variable}, which is neither set nor defaulted`).toBe(true);
    }
    // The shared ConfigMap carries every engine's settings; a variable set on the container itself must be one this workload reads.
    const readable = new Set(Object.entries(settings).flatMap(([variable, schema]) => (isSecretSetting(schema as z.ZodType) ? [variable, `${variable}_FILE`] : [variable])));
    for (const variable of container.env ?? []) expect(readable.has(variable.name), `${name} sets ${variable.name}, which it does not read`).toBe(true);
  });

  it('sets in the shared ConfigMap only connection and ops settings that some service reads', () => {
    const known = new Set<string>();
    for (const shape of [...Object.values(WORKLOADS).map((workload) => workload.settings), commonSettings.ops]) {
      for (const [variable, schema] of Object.entries(shape)) {
        known.add(variable);
        if (isSecretSetting(schema as z.ZodType)) known.add(`${variable}_FILE`);
      }
    }
    for (const variable of Object.keys(configMap('authlog-connections'))) expect(known.has(variable), variable).toBe(true);
  });

  it('keeps secrets out of the manifests: every secret setting is a _FILE path into a mounted Secret', () => {
    for (const { name, pod } of workloads()) {
      const container = pod.containers[0]!;
      const env = environmentOf(container);
      const mounts = (container.volumeMounts ?? []).filter((mount) => pod.volumes?.find((volume) => volume.name === mount.name)?.secret !== undefined);
      for (const [variable, schema] of Object.entries(WORKLOADS[name]!.settings)) {
        if (!isSecretSetting(schema as z.ZodType)) continue;
        expect(env.has(variable), `${name} sets the secret ${variable} in clear`).toBe(false);
        const file = env.get(`${variable}_FILE`);
        if (file !== undefined) expect(mounts.some((mount) => file.startsWith(`${mount.mountPath}/`)), `${name}: ${file} is not in a mounted Secret`).toBe(true);
      }
    }
  });

  it('probes /healthz on the ops port, lets Prometheus scrape it, sizes resources and drains within the grace period', () => {
    for (const deployment of byKind('Deployment')) {
      const pod = podSpec(deployment);
      const container = pod.containers[0]!;
      const ops = container.ports?.find((port) => port.name === 'ops')?.containerPort;
      expect(environmentOf(container).get('OPS_PORT')).toBe(String(ops));
      expect(environmentOf(container).get('OPS_HOST')).toBe('0.0.0.0');
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'ops' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'ops' });
      const annotations = (deployment.spec?.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
      expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(ops), 'prometheus.io/path': '/metrics' });
      expect(container.resources?.requests).toHaveProperty('cpu');
      expect(container.resources?.limits).toHaveProperty('memory');
      const deadlineMs = Number(environmentOf(container).get('SHUTDOWN_DEADLINE_MS'));
      expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(deadlineMs);
    }
  });

  it('the webhook API believes X-Forwarded-For only from a placeholder range an overlay replaces with the reports pods\' network', () => {
    const reports = workloads().find((workload) => workload.name === 'authlog-reports')!.pod.containers[0]!;
    expect(environmentOf(reports).get('REPORTS_WEBHOOK_API_URL')).toBe('http://authlog-webhook-api:7005');
    const api = workloads().find((workload) => workload.name === 'authlog-webhook-api')!.pod.containers[0]!;
    const proxies = webhookApiSettings.WEBHOOK_API_TRUSTED_PROXIES.parse(environmentOf(api).get('WEBHOOK_API_TRUSTED_PROXIES'));
    // TEST-NET-1: no pod, node or load balancer has such an address, so nothing is believed until the overlay says.
    expect(proxies).toEqual(['192.0.2.0/24']);
    expect(deployDoc).toContain('WEBHOOK_API_TRUSTED_PROXIES');
  });

  it('has a PodDisruptionBudget for the relay, the indexer and the dispatcher', () => {
    const budgets = byKind('PodDisruptionBudget').map((budget) => (budget.spec?.selector as { matchLabels: Record<string, string> }).matchLabels['app.kubernetes.io/name']);
    expect(budgets.sort()).toEqual(['authlog-indexer', 'authlog-relay', 'authlog-webhook-dispatcher']);
  });
});
