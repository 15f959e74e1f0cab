import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeatureEngine } from '../../../models/src/features/engine.ts';
import { writeTar } from '../../../models/src/util/tar.ts';
import { testBundle } from '../../../test/agent/support/test-bundle.ts';
import { ModelSlot } from '../pipeline/model-slot.ts';
import { StateDb } from '../state/index.ts';
import { BundleUpdater, KV } from './bundle-updater.ts';
import { FakeServer } from './fake-server.ts';
import { ControlPlaneHttp } from './http.ts';

const HASH = new FeatureEngine().schema.hash;
const keys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
let srcBundle: string;
let dir: string;
let db: StateDb;
let server: FakeServer;
let slot: ModelSlot;

beforeAll(async () => {
  srcBundle = await testBundle();
}, 60_000);
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-upd-'));
  db = StateDb.open(path.join(dir, 'agent.db'));
  server = await new FakeServer().start();
  slot = new ModelSlot({ expectedFeatureHash: HASH });
  await slot.loadFirst([srcBundle]);
});
afterEach(async () => {
  await slot.close();
  await server.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

interface OfferOpts {
  version?: string;
  featureSchemaHash?: string;
  signWith?: KeyObject;
  keyId?: string;
  files?: Record<string, Buffer>;
  tamperArchive?: boolean;
  manifestVersion?: string;
}

/** The source bundle re-versioned, tarred, gzipped and offered with an ed25519-signed manifest. */
function offer(o: OfferOpts = {}) {
  const version = o.version ?? '2.0.0';
  const files: Record<string, Buffer> = o.files ?? {};
  if (!o.files) {
    for (const name of readdirSync(srcBundle)) files[name] = readFileSync(path.join(srcBundle, name));
    const m = JSON.parse(files['manifest.json'].toString('utf8'));
    m.bundleVersion = version;
    files['manifest.json'] = Buffer.from(JSON.stringify(m));
  }
  const list = Object.entries(files).map(([name, data]) => ({ name, data }));
  const archive = gzipSync(writeTar(list));
  const served = o.tamperArchive ? Buffer.concat([archive, Buffer.from('x')]) : archive;
  const manifestJson = JSON.stringify({
    version: o.manifestVersion ?? version,
    featureSchemaHash: o.featureSchemaHash ?? HASH,
    files: list.map((f) => ({
      path: f.name,
      sha256: createHash('sha256').update(f.data).digest('hex'),
      size: f.data.length,
    })),
  });
  const body = {
    channel: 'stable',
    version,
    manifestJson,
    signature: {
      alg: 'ed25519',
      keyId: o.keyId ?? 'k1',
      value: sign(null, Buffer.from(manifestJson), o.signWith ?? keys.privateKey).toString('base64'),
    },
    download: {
      url: `/dl/${version}.tar.gz`,
      sha256: createHash('sha256').update(archive).digest('hex'),
      size: archive.length,
    },
  };
  server.handler = (r) => {
    if (r.url.startsWith('/v1/agents/bundle')) {
      const running = db.kv.get(KV.signedVersion);
      return r.headers['if-none-match'] === `"${version}"` && running === version
        ? { status: 304 }
        : { status: 200, body };
    }
    if (r.url === body.download.url) return { status: 200, raw: served };
    return { status: 404 };
  };
}

function updater(): BundleUpdater {
  return new BundleUpdater({
    http: new ControlPlaneHttp(server.url, 5000, 'test'),
    credential: () => `vgl_ag_${'y'.repeat(43)}`,
    keys: new Map([['k1', keys.publicKey]]),
    bundlesDir: path.join(dir, 'bundles'),
    featureSchemaHash: HASH,
    install: (d) => slot.swapTo(d),
    kv: db.kv,
    allowInsecureDownload: false,
    log: () => {},
  });
}

describe('model updates', () => {
  it('verifies the signature and hashes, unpacks, swaps atomically and records the version', async () => {
    offer();
    const u = updater();
    expect(await u.check()).toBe('installed 2.0.0');
    expect(slot.current?.version).toBe('2.0.0');
    expect(db.kv.get(KV.current)).toBe(path.join(dir, 'bundles/2.0.0'));
    expect(server.requests.find((r) => r.url.startsWith('/dl/'))?.headers.authorization).toMatch(/^Bearer vgl_ag_/); // same origin
    expect(await u.check()).toBe('up to date (2.0.0)');
    expect(server.requests.at(-1)?.url).toBe('/v1/agents/bundle?current=2.0.0');
  });

  it.each([
    ['a signature by another key', { signWith: otherKeys.privateKey }, /bad ed25519 signature/],
    ['an unpinned keyId', { keyId: 'k9' }, /keyId "k9" is not pinned/],
    ['a tampered archive', { tamperArchive: true }, /larger than the offered|does not match the offer/],
    ['another feature schema', { featureSchemaHash: 'f'.repeat(64) }, /built for feature schema f+/],
    ['a manifest version that differs from the offer', { manifestVersion: '9.9.9' }, /differs from offered/],
  ])('refuses %s and keeps the running bundle', async (_what, o, why) => {
    offer(o);
    expect(await updater().check()).toMatch(why);
    expect(slot.current?.version).toBe('0.0.1-test');
    expect(db.kv.get(KV.signedVersion)).toBeUndefined();
  });

  it('rolls back when a correctly signed bundle fails to load', async () => {
    const files: Record<string, Buffer> = {};
    for (const name of readdirSync(srcBundle)) files[name] = readFileSync(path.join(srcBundle, name));
    files['detector.onnx'] = Buffer.from('not an onnx model');
    offer({ files, version: '3.0.0' }); // signed over the broken bytes: only the loader can tell
    expect(await updater().check()).toMatch(/bundle 3\.0\.0 failed to load .*still running 0\.0\.1-test/);
    expect(slot.current?.version).toBe('0.0.1-test');
    expect(existsSync(path.join(dir, 'bundles/3.0.0'))).toBe(false);
    expect(db.kv.get(KV.current)).toBeUndefined();
  });

  it('refuses a downgrade and a path-escaping archive entry', async () => {
    offer({ version: '2.0.0' });
    await updater().check();
    offer({ version: '1.5.0' });
    expect(await updater().check()).toBe('refused downgrade 2.0.0 -> 1.5.0');
    offer({ version: '4.0.0', files: { '../evil': Buffer.from('x') } });
    expect(await updater().check()).toMatch(/signed manifest files\.0\.path is not a unique plain file name/);
    expect(slot.current?.version).toBe('2.0.0');
  });
});
