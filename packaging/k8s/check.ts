/**
 * Offline checks of the rendered Kubernetes manifests: `kubectl kustomize` output is validated against the
 * structural schemas in schemas/k8s-subset.schema.json (written by this project, closed objects), then against the
 * deployment rules Vigil promises (non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp,
 * requests and limits, writable /tmp, probes) and cross-references (selectors, config and secret names).
 *
 *   npx tsx packaging/k8s/check.ts [overlay dir ...]     (default: base and both overlays)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

export const K8S_DIR = import.meta.dirname;
const SCHEMA_FILE = path.join(K8S_DIR, 'schemas/k8s-subset.schema.json');

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML, checked field by field below
export type Manifest = Record<string, any>;

/** `kubectl kustomize DIR`, parsed. Throws with kubectl's message when rendering fails. */
export function render(dir: string, kubectl = 'kubectl'): Manifest[] {
  const text = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`${dir}: rendered YAML does not parse: ${d.errors[0].message}`);
    return d.toJS() as Manifest;
  });
}

export const kindKey = (m: Manifest) => `${m.apiVersion}/${m.kind}`;
const where = (m: Manifest) => `${m.kind}/${m.metadata?.name}`;

let validators: Map<string, ValidateFunction> | undefined;

/** One compiled validator per apiVersion/kind in the schema file. */
function schemaValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const doc = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addSchema(doc, 'k8s');
  const kinds = Object.keys(doc.definitions).filter((k) => k.includes('/')); // apiVersion/kind
  validators = new Map(kinds.map((k) => [k, ajv.compile({ $ref: `k8s#/definitions/${k.replaceAll('/', '~1')}` })]));
  return validators;
}

/** Schema problems of one manifest, each naming the kind/name and the JSON path. */
export function schemaProblems(m: Manifest): string[] {
  const validate = schemaValidators().get(kindKey(m));
  if (!validate) return [`${where(m)}: no schema for ${kindKey(m)} (add it to ${path.basename(SCHEMA_FILE)})`];
  if (validate(m)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : '';
    return `${where(m)}: ${e.instancePath || '/'} ${e.message}${extra}`;
  });
}

/** The pod spec inside a workload (Deployment, Job, CronJob), or undefined. */
export function podSpecOf(m: Manifest): Manifest | undefined {
  if (m.kind === 'CronJob') return m.spec?.jobTemplate?.spec?.template?.spec;
  if (m.kind === 'Deployment' || m.kind === 'Job') return m.spec?.template?.spec;
  return undefined;
}

/** The hardening rules every Vigil container follows. */
export function policyProblems(m: Manifest): string[] {
  const pod = podSpecOf(m);
  if (!pod) return [];
  const out: string[] = [];
  const at = where(m);
  if (pod.securityContext?.runAsNonRoot !== true) out.push(`${at}: pod securityContext.runAsNonRoot must be true`);
  if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') {
    out.push(`${at}: pod seccompProfile must be RuntimeDefault`);
  }
  if (pod.automountServiceAccountToken !== false) out.push(`${at}: automountServiceAccountToken must be false`);
  const tmp = (pod.volumes ?? []).find((v: Manifest) => v.emptyDir && v.name === 'tmp');
  if (!tmp) out.push(`${at}: needs an emptyDir volume named tmp`);
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const cat = `${at} container ${c.name}`;
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) out.push(`${cat}: readOnlyRootFilesystem must be true`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${cat}: allowPrivilegeEscalation must be false`);
    if (sc.runAsNonRoot !== true) out.push(`${cat}: runAsNonRoot must be true`);
    if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') out.push(`${cat}: must drop ALL capabilities`);
    if (sc.capabilities?.add?.length) out.push(`${cat}: must add no capabilities`);
    if (sc.seccompProfile?.type !== 'RuntimeDefault') out.push(`${cat}: seccompProfile must be RuntimeDefault`);
    for (const kind of ['requests', 'limits']) {
      if (!c.resources?.[kind]?.cpu || !c.resources?.[kind]?.memory) out.push(`${cat}: needs cpu and memory ${kind}`);
    }
    if (!(c.volumeMounts ?? []).some((v: Manifest) => v.mountPath === '/tmp' && v.name === 'tmp')) {
      out.push(`${cat}: must mount the tmp emptyDir at /tmp`);
    }
  }
  if (m.kind === 'Deployment') {
    for (const c of pod.containers) {
      if (c.livenessProbe?.httpGet?.path !== '/healthz') out.push(`${at} ${c.name}: livenessProbe must GET /healthz`);
      if (c.readinessProbe?.httpGet?.path !== '/readyz') out.push(`${at} ${c.name}: readinessProbe must GET /readyz`);
    }
  }
  return out;
}

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * Names that must resolve inside the rendered set: Service/PDB/NetworkPolicy selectors match the Deployment's pods,
 * the HPA targets it, every ConfigMap reference exists, and every required secret key exists in a rendered Secret
 * unless the secret is provisioned outside (`externalSecrets`) or the workload is suspended.
 */
export function referenceProblems(docs: Manifest[], externalSecrets: readonly string[] = []): string[] {
  const out: string[] = [];
  const byKind = (k: string) => docs.filter((d) => d.kind === k);
  const deployments = byKind('Deployment');
  const podLabels = deployments.map((d) => d.spec.template.metadata?.labels);
  for (const d of deployments) {
    if (!selects(d.spec.selector.matchLabels, d.spec.template.metadata?.labels)) {
      out.push(`${where(d)}: selector does not match its own pod labels`);
    }
  }
  for (const s of byKind('Service')) {
    if (!podLabels.some((l) => selects(s.spec.selector, l))) out.push(`${where(s)}: selects no Deployment's pods`);
  }
  for (const p of [...byKind('PodDisruptionBudget'), ...byKind('NetworkPolicy')]) {
    const sel = p.kind === 'NetworkPolicy' ? p.spec.podSelector : p.spec.selector;
    if (sel.matchLabels && !podLabels.some((l) => selects(sel.matchLabels, l))) {
      out.push(`${where(p)}: selects no Deployment's pods`);
    }
  }
  for (const h of byKind('HorizontalPodAutoscaler')) {
    const t = h.spec.scaleTargetRef;
    if (!docs.some((d) => d.kind === t.kind && d.metadata.name === t.name))
      out.push(`${where(h)}: no ${t.kind} ${t.name}`);
  }
  const configMaps = new Set(byKind('ConfigMap').map((c) => c.metadata.name));
  const secrets = new Map(
    byKind('Secret').map((s) => [s.metadata.name, new Set(Object.keys({ ...s.data, ...s.stringData }))]),
  );
  for (const m of docs) {
    if (m.spec?.suspend === true) continue; // a suspended CronJob may wait for its secret (the dev overlay's)
    const pod = podSpecOf(m);
    for (const c of pod ? [...(pod.initContainers ?? []), ...pod.containers] : []) {
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef && !configMaps.has(e.configMapRef.name)) {
          out.push(`${where(m)} ${c.name}: ConfigMap ${e.configMapRef.name} is not rendered`);
        }
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref || ref.optional || externalSecrets.includes(ref.name)) continue;
        if (!secrets.get(ref.name)?.has(ref.key))
          out.push(`${where(m)} ${c.name}: secret ${ref.name} has no key ${ref.key}`);
      }
    }
  }
  return out;
}

/** Kustomization fields kustomize v2.0.3 (kubectl <= 1.20) understands; anything newer would break old clients. */
export const LEGACY_KUSTOMIZE_FIELDS = [
  'resources',
  'bases',
  'patchesStrategicMerge',
  'patchesJson6902',
  'namePrefix',
  'commonLabels',
  'images',
  'configMapGenerator',
] as const;

async function main(): Promise<void> {
  const dirs = process.argv.slice(2);
  const targets = dirs.length ? dirs : ['base', 'overlays/dev', 'overlays/prod'].map((d) => path.join(K8S_DIR, d));
  let failed = 0;
  for (const dir of targets) {
    const docs = render(dir);
    const external = dir.endsWith('dev') ? [] : ['vigil-secrets'];
    const problems = [
      ...docs.flatMap(schemaProblems),
      ...docs.flatMap(policyProblems),
      ...referenceProblems(docs, external),
    ];
    process.stdout.write(`${dir}: ${docs.length} resources, ${problems.length} problems\n`);
    for (const p of problems) process.stdout.write(`  ${p}\n`);
    failed += problems.length;
  }
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
