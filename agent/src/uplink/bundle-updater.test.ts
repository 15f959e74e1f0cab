import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeatureEngine } from '../../../models/src/features/engine.ts';
import { ROLLBACK_DOMAIN } from '../../../models/src/schema/rollback.ts';
import { writeTar } from '../../../models/src/util/tar.ts';
import { testBundle } from '../../../test/agent/support/test-bundle.ts';
import { ModelSlot } from '../pipeline/model-slot.ts';
import { StateDb } from '../state/index.ts';
import { BundleUpdater, KV } from './bundle-updater.ts';
import { FakeServer } from './fake-server.ts';
import { ControlPlaneHttp } from './http.ts';
import type { RollbackAuthorization } from './rollback.ts';

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
  /** Builds the offer's rollback member from the signed manifest string. */
  rollback?: (manifestJson: string, manifestSignature: string) => RollbackAuthorization;
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
  const manifestSignature = sign(null, Buffer.from(manifestJson), o.signWith ?? keys.privateKey).toString('base64');
  const body = {
    channel: 'stable',
    version,
    manifestJson,
    signature: { alg: 'ed25519', keyId: o.keyId ?? 'k1', value: manifestSignature },
    ...(o.rollback ? { rollback: o.rollback(manifestJson, manifestSignature) } : {}),
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

const NOW = Date.UTC(2025, 2, 1);

/** A rollback directive as the control plane signs it (registry/rollback-directive.ts), with overrides. */
function directive(over: Record<string, unknown> = {}, signWith = keys.privateKey) {
  return (manifestJson: string): RollbackAuthorization => {
    const d = {
      type: 'vigil-rollback',
      v: 1,
      rolloutId: 'rol_1',
      channel: 'stable',
      withdrawn: ['2.0.0'],
      targetVersion: '1.5.0',
      targetManifestSha256: createHash('sha256').update(manifestJson).digest('hex'),
      issuedAt: NOW - 1000,
      expiresAt: NOW + 86_400_000,
      ...over,
    };
    const directiveJson = JSON.stringify(d);
    const value = sign(null, Buffer.from(ROLLBACK_DOMAIN + directiveJson), signWith).toString('base64');
    return { directiveJson, signature: { alg: 'ed25519', keyId: 'k1', value } };
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
    now: () => NOW,
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

describe('signed rollback', () => {
  beforeEach(async () => {
    offer({ version: '2.0.0' });
    expect(await updater().check()).toBe('installed 2.0.0');
  });

  it('installs an older version when a pinned key authorises leaving exactly the running one', async () => {
    offer({ version: '1.5.0', rollback: directive() });
    expect(await updater().check()).toBe('rolled back 2.0.0 -> 1.5.0 (signed directive, rollout rol_1)');
    expect(slot.current?.version).toBe('1.5.0');
    expect(db.kv.get(KV.signedVersion)).toBe('1.5.0');
    expect(await updater().check()).toBe('up to date (1.5.0)');
  });

  it.each([
    ['no directive (a plain lower version)', undefined, /^refused downgrade 2\.0\.0 -> 1\.5\.0$/],
    ['a directive signed by another key', directive({}, otherKeys.privateKey), /bad ed25519 signature on the rollback/],
    [
      'a directive withdrawing another version',
      directive({ withdrawn: ['1.9.0'] }),
      /does not withdraw the running version 2\.0\.0/,
    ],
    [
      'a directive for another target',
      directive({ targetVersion: '1.0.0' }),
      /targets "1\.0\.0", the offer is 1\.5\.0/,
    ],
    [
      'a directive for other manifest bytes',
      directive({ targetManifestSha256: 'a'.repeat(64) }),
      /another signed manifest/,
    ],
    ['an expired directive', directive({ expiresAt: NOW - 1 }), /rollback directive expired/],
    ['an over-long lifetime', directive({ expiresAt: NOW + 30 * 86_400_000 }), /no valid lifetime/],
    [
      'the manifest signature passed off as a directive',
      (manifestJson: string, manifestSignature: string) => ({
        directiveJson: manifestJson,
        signature: { alg: 'ed25519', keyId: 'k1', value: manifestSignature },
      }),
      /bad ed25519 signature on the rollback/,
    ],
  ])('refuses %s and keeps the running bundle', async (_what, rollback, why) => {
    offer({ version: '1.5.0', rollback });
    expect(await updater().check()).toMatch(why);
    expect(slot.current?.version).toBe('2.0.0');
    expect(db.kv.get(KV.signedVersion)).toBe('2.0.0');
  });
});
