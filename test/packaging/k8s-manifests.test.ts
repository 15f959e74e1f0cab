/**
 * The Kubernetes manifests render with `kubectl kustomize` (base, dev, prod) and pass the structural schemas, the
 * hardening rules and the cross-reference checks of packaging/k8s/check.ts. kubectl here embeds kustomize v5; CI's
 * Debian kubectl 1.20 embeds v2.0.3, so the kustomization files are also held to the fields v2.0.3 knows.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  K8S_DIR,
  LEGACY_KUSTOMIZE_FIELDS,
  type Manifest,
  podSpecOf,
  policyProblems,
  referenceProblems,
  render,
  schemaProblems,
} from '../../packaging/k8s/check.ts';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!hasKubectl) console.warn('k8s test: kubectl is not installed: rendering checks are skipped (CI installs it)');

const TARGETS = [
  { name: 'base', dir: 'base', external: ['vigil-secrets'] },
  { name: 'dev', dir: 'overlays/dev', external: [] },
  { name: 'prod', dir: 'overlays/prod', external: ['vigil-secrets'] },
];
const KINDS = [
  'ConfigMap',
  'CronJob',
  'Deployment',
  'HorizontalPodAutoscaler',
  'Job',
  'NetworkPolicy',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'Service',
  'ServiceAccount',
];

const rendered = new Map<string, Manifest[]>();
const docsOf = (name: string) => {
  if (!rendered.has(name)) rendered.set(name, render(path.join(K8S_DIR, TARGETS.find((t) => t.name === name)!.dir)));
  return rendered.get(name)!;
};
const find = (docs: Manifest[], kind: string) => docs.find((d) => d.kind === kind)!;

describe.skipIf(!hasKubectl).each(TARGETS)('kubectl kustomize $dir', ({ name, external }) => {
  it('renders every kind Vigil deploys', () => {
    const kinds = docsOf(name).map((d) => d.kind);
    const expected = name === 'dev' ? [...KINDS, 'Secret'] : KINDS;
    expect(kinds.sort()).toEqual([...expected].sort());
  });

  it('passes the structural schemas, the hardening rules and the cross-references', () => {
    const docs = docsOf(name);
    expect(docs.flatMap(schemaProblems)).toEqual([]);
    expect(docs.flatMap(policyProblems)).toEqual([]);
    expect(referenceProblems(docs, external)).toEqual([]);
  });
});

describe.skipIf(!hasKubectl)('overlay specifics', () => {
  it('dev prefixes names and rewires references to the prefixed ConfigMap, Secret and Service', () => {
    const docs = docsOf('dev');
    expect(docs.every((d) => d.metadata.name.startsWith('dev-'))).toBe(true);
    const cron = find(docs, 'CronJob');
    expect(cron.spec.suspend).toBe(true);
    expect(podSpecOf(find(docs, 'Deployment'))!.containers[0].image).toBe('vigil-control-plane:dev');
    expect(podSpecOf(cron)!.containers[0].args).toContain('http://dev-vigil-control-plane:80');
    expect(find(docs, 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(1); // keys are per pod without a PEM
    const env = podSpecOf(find(docs, 'Deployment'))!.containers[0].env;
    expect(env.find((e: Manifest) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.name).toBe('dev-vigil-secrets');
  });

  it('prod signs with the shared key from the secret and narrows the network policy to the VPC', () => {
    const docs = docsOf('prod');
    const env = podSpecOf(find(docs, 'Deployment'))!.containers[0].env.map((e: Manifest) => e.name);
    expect(env).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'VIGIL_SIGNING_KEY_PEM', 'VIGIL_SIGNING_KEY_ID', 'VIGIL_ADMIN_TOKEN']),
    );
    expect(find(docs, 'HorizontalPodAutoscaler').spec.minReplicas).toBeGreaterThanOrEqual(3);
    const np = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'vigil-control-plane')!;
    expect(np.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
    expect(find(docs, 'Deployment').spec.template.spec.containers[0].image).toMatch(/\.dkr\.ecr\..*:0\.1\.0$/);
  });

  it('the retraining CronJob trains and then uploads; the migration Job migrates', () => {
    const docs = docsOf('prod');
    const cron = podSpecOf(find(docs, 'CronJob'))!;
    expect(cron.initContainers[0].args[0]).toMatch(/container\/entry\.js models train .*--out \/work\/bundle/);
    expect(cron.containers[0].command).toEqual(['node', '/app/packaging/ci/upload-bundle.js']);
    expect(podSpecOf(find(docs, 'Job'))!.containers[0].args).toEqual(['control-plane', 'migrate']);
  });
});

describe('the checks themselves fail on bad manifests', () => {
  const deployment = () => parse(readFileSync(path.join(K8S_DIR, 'base/deployment.yaml'), 'utf8')) as Manifest;

  it('the schema names an unknown (misspelt) field and a missing required one', () => {
    const d = deployment();
    expect(schemaProblems(d)).toEqual([]);
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    delete d.spec.selector;
    const problems = schemaProblems(d).join('\n');
    expect(problems).toMatch(/securityContext must NOT have additional properties 'readOnlyRootFileSystem'/);
    expect(problems).toMatch(/\/spec must have required property 'selector'/);
    expect(schemaProblems({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'x' } })).toEqual([
      'Ingress/x: no schema for extensions/v1beta1/Ingress (add it to k8s-subset.schema.json)',
    ]);
  });

  it('the hardening rules catch a writable root, kept capabilities and a missing limit', () => {
    const d = deployment();
    const c = d.spec.template.spec.containers[0];
    c.securityContext.readOnlyRootFilesystem = false;
    c.securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_ADMIN'] };
    delete c.resources.limits.memory;
    c.readinessProbe.httpGet.path = '/healthz';
    expect(policyProblems(d)).toEqual([
      'Deployment/vigil-control-plane container control-plane: readOnlyRootFilesystem must be true',
      'Deployment/vigil-control-plane container control-plane: must drop ALL capabilities',
      'Deployment/vigil-control-plane container control-plane: must add no capabilities',
      'Deployment/vigil-control-plane container control-plane: needs cpu and memory limits',
      'Deployment/vigil-control-plane control-plane: readinessProbe must GET /readyz',
    ]);
  });

  it('the cross-references catch a Service selecting nothing and a missing secret key', () => {
    const d = deployment();
    const svc = { kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'nope' } } };
    const secret = { kind: 'Secret', metadata: { name: 'vigil-secrets' }, stringData: { OTHER: 'x' } };
    expect(referenceProblems([d, svc, secret])).toEqual([
      "Service/s: selects no Deployment's pods",
      'Deployment/vigil-control-plane control-plane: ConfigMap vigil-config is not rendered',
      'Deployment/vigil-control-plane control-plane: secret vigil-secrets has no key DATABASE_URL',
    ]);
  });
});

describe('kustomization files stay within what kubectl 1.20 (kustomize v2.0.3) understands', () => {
  it.each(['base', 'overlays/dev', 'overlays/prod'])('%s', (dir) => {
    const k = parse(readFileSync(path.join(K8S_DIR, dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
    const unknown = Object.keys(k).filter((f) => !(LEGACY_KUSTOMIZE_FIELDS as readonly string[]).includes(f));
    expect(unknown).toEqual([]);
    // v2.0.3 reads directories only from `bases:`; a directory under `resources:` fails there.
    for (const r of (k.resources as string[] | undefined) ?? []) expect(r).toMatch(/\.ya?ml$/);
  });
});
