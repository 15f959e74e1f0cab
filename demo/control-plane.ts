import { randomBytes } from 'node:crypto';
import { packBundleDir } from '../models/src/onnx/bundle-pack.ts';
import { ApiClient } from './api-client.ts';
import { Child, waitUntil } from './procs.ts';

export interface ControlPlane {
  child: Child;
  url: string;
  admin: ApiClient;
  tokens: { admin: string; operator: string; viewer: string };
  signingKeys: { keyId: string; publicKey: string }[];
  bundleVersion: string;
}

export interface ControlPlaneOptions {
  dataDir: string;
  port: number;
  logFile: string;
  bundleDir: string;
  /** VIGIL_CLOUD_INGEST: what to pull from the local CloudWatch Logs and S3 endpoints. */
  cloudIngest?: unknown;
}

/**
 * Starts `vigil control-plane serve` on PGlite as its own process, then does what an operator does on day one:
 * creates operator and viewer tokens, uploads the model bundle to the registry and rolls it out to the stable channel.
 */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const adminToken = `vgl_op_${randomBytes(32).toString('base64url')}`;
  const env: NodeJS.ProcessEnv = { VIGIL_ADMIN_TOKEN: adminToken, VIGIL_LOG_LEVEL: 'warn' };
  if (opts.cloudIngest) {
    env.VIGIL_CLOUD_INGEST = JSON.stringify(opts.cloudIngest);
    // The SDK's default credential chain, satisfied with the stand-ins' static test keys (they check SigV4's shape).
    Object.assign(env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
  }
  const args = ['bin/vigil.mjs', 'control-plane', 'serve', '--host', '127.0.0.1', '--port', String(opts.port)];
  const child = Child.start('control-plane', [...args, '--data', opts.dataDir], opts.logFile, env);
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    return await provision(child, url, adminToken, opts);
  } catch (err) {
    await child.stop();
    throw err;
  }
}

async function provision(
  child: Child,
  url: string,
  adminToken: string,
  opts: ControlPlaneOptions,
): Promise<ControlPlane> {
  await waitUntil('the control plane to answer /readyz', async () => {
    if (child.exited) throw new Error(`the control plane exited; see ${opts.logFile}`);
    return (await fetch(`${url}/readyz`)).ok;
  });
  const admin = new ApiClient(url, adminToken);
  const token = async (role: string) =>
    (await admin.post<{ token: string }>('/v1/tokens', { name: `demo-${role}`, role })).token;
  const tokens = { admin: adminToken, operator: await token('operator'), viewer: await token('viewer') };
  const bundleVersion = await publishBundle(admin, opts.bundleDir);
  const keys = await admin.get<{ items: { keyId: string; publicKeyPem: string }[] }>('/v1/keys');
  const signingKeys = keys.items.map((k) => ({ keyId: k.keyId, publicKey: k.publicKeyPem }));
  return { child, url, admin, tokens, signingKeys, bundleVersion };
}

/**
 * A model update while the fleet runs: one host is moved to the canary channel and the candidate bundle is uploaded,
 * signed by the registry and rolled out to canary. That agent downloads it, checks the signature and the feature
 * schema hash, and swaps models without a restart; the others stay on stable.
 */
export async function canaryUpdate(cp: ControlPlane, bundleDir: string, hostname: string): Promise<string> {
  const agents = await cp.admin.get<{ items: { id: string; hostname: string }[] }>('/v1/agents?limit=100');
  const agent = agents.items.find((a) => a.hostname === hostname);
  if (!agent) throw new Error(`no enrolled agent named ${hostname}`);
  await cp.admin.put(`/v1/agents/${agent.id}/channel`, { channel: 'canary' });
  return publishBundle(cp.admin, bundleDir, 'canary');
}

async function publishBundle(admin: ApiClient, bundleDir: string, channel = 'stable'): Promise<string> {
  const { manifest, archive } = packBundleDir(bundleDir);
  const existing = await admin.get<{ items: { version: string }[] }>('/v1/bundles');
  if (!existing.items.some((b) => b.version === manifest.bundleVersion)) {
    await admin.post('/v1/bundles', archive, 'application/gzip');
    await admin.post('/v1/rollouts', { bundleVersion: manifest.bundleVersion, channel, percent: 100 });
  }
  return manifest.bundleVersion;
}
