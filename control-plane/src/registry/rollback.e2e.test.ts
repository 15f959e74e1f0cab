/**
 * Rollback end to end: the real registry routes on a listening control plane, and the agent's real BundleUpdater
 * (signature checks, download, unpack, ModelSlot swap) polling them.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelSlot } from '../../../agent/src/pipeline/model-slot.ts';
import { StateDb } from '../../../agent/src/state/index.ts';
import { BundleUpdater } from '../../../agent/src/uplink/bundle-updater.ts';
import { ControlPlaneHttp } from '../../../agent/src/uplink/http.ts';
import { FeatureEngine } from '../../../models/src/features/engine.ts';
import { testBundle } from '../../../test/agent/support/test-bundle.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { type Harness, harness } from '../testing/harness.ts';
import { loadKeyring } from './keys.ts';
import { registryPlugin } from './plugin.ts';
import { rollbackFor } from './rollback-directive.ts';
import { tarGz } from './test-bundle.ts';

const [backend] = await dbBackends();
const HASH = new FeatureEngine().schema.hash;

describe('rollback of a bundle hosts already installed', () => {
  let h: Harness;
  let root: string;
  let keyDir: string;
  let src: string;
  let slot: ModelSlot;
  let state: StateDb;
  let updater: BundleUpdater;
  let op: string;
  let credential: string;

  /** The real test bundle re-versioned: same ONNX models, so the agent's loader accepts every version. */
  const bundleAs = (version: string) =>
    tarGz(
      readdirSync(src).map((name) => {
        const data = readFileSync(path.join(src, name));
        if (name !== 'manifest.json') return { name, data };
        return {
          name,
          data: Buffer.from(JSON.stringify({ ...JSON.parse(data.toString('utf8')), bundleVersion: version })),
        };
      }),
    );
  const post = (url: string, payload: object) => h.call({ method: 'POST', url, token: op, payload });
  const rollOut = async (bundleVersion: string, channel = 'stable', percent = 100) => {
    h.advance(60_000); // rollouts are ordered by start time: a later one is the newer one
    const res = await post('/v1/rollouts', { bundleVersion, channel, percent });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };

  beforeAll(async () => {
    src = await testBundle();
    root = mkdtempSync(path.join(tmpdir(), 'vigil-rollback-'));
    keyDir = path.join(root, 'keys');
    h = await harness(backend, {}, { plugins: [registryPlugin({ keyDir }, { startJobs: false })] });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    op = await h.token('operator');
    const admin = await h.token('admin');
    for (const v of ['0.9.0', '1.0.0', '1.1.0', '1.2.0']) {
      const up = await h.call({
        method: 'POST',
        url: '/v1/bundles',
        token: admin,
        headers: { 'content-type': 'application/gzip' },
        payload: bundleAs(v),
      });
      expect(up.statusCode).toBe(201);
    }
    // the agent pins the published key, as its configuration would
    const published = (await h.call({ method: 'GET', url: '/v1/keys' })).json().items as {
      keyId: string;
      publicKeyPem: string;
    }[];
    const keys = new Map<string, KeyObject>(published.map((k) => [k.keyId, createPublicKey(k.publicKeyPem)]));
    credential = (await h.enroll()).credential;
    state = StateDb.open(path.join(root, 'agent.db'));
    slot = new ModelSlot({ expectedFeatureHash: HASH });
    await slot.loadFirst([src]);
    updater = new BundleUpdater({
      http: new ControlPlaneHttp(url, 10_000, 'test'),
      credential: () => credential,
      keys,
      bundlesDir: path.join(root, 'bundles'),
      featureSchemaHash: HASH,
      install: (d) => slot.swapTo(d),
      kv: state.kv,
      allowInsecureDownload: false,
      log: () => {},
      now: h.now, // the server signs directives on its clock; agent and server agree on time
    });
  }, 120_000);

  afterAll(async () => {
    await slot?.close();
    state?.close();
    await h?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('moves an installed host back to the previous bundle only with the signed directive', async () => {
    await rollOut('1.0.0');
    expect(await updater.check()).toBe('installed 1.0.0');
    const bad = await rollOut('1.1.0');
    expect(await updater.check()).toBe('installed 1.1.0');
    expect(slot.current?.version).toBe('1.1.0');

    const back = await post(`/v1/rollouts/${bad.id}/rollback`, { reason: 'false alarms doubled' });
    expect(back.json().status).toBe('rolled_back');
    expect(await updater.check()).toBe(`rolled back 1.1.0 -> 1.0.0 (signed directive, rollout ${bad.id})`);
    expect(slot.current?.version).toBe('1.0.0');
    expect(await updater.check()).toBe('up to date (1.0.0)');
  });

  it('never accepts a plain lower version: an older rollout without a withdrawal is refused', async () => {
    await rollOut('0.9.0');
    const agentView = await h.call({
      method: 'GET',
      url: '/v1/agents/bundle?current=1.0.0',
      token: credential,
    });
    expect(agentView.json()).toMatchObject({ version: '0.9.0' });
    expect(agentView.json().rollback).toBeUndefined();
    expect(await updater.check()).toBe('refused downgrade 1.0.0 -> 0.9.0');
    expect(slot.current?.version).toBe('1.0.0');
  });

  it('a canary withdrawal does not authorise moving stable hosts', async () => {
    const canary = await rollOut('1.2.0', 'canary', 50);
    await post(`/v1/rollouts/${canary.id}/rollback`, { reason: 'canary regressed' });
    const keyring = loadKeyring({ dir: keyDir });
    const offer = { version: '0.9.0', manifestJson: '{}' };
    expect(await rollbackFor(h.t.db, keyring, offer, 'stable', '1.2.0', h.now(), 60_000)).toBeNull();
    const forCanary = await rollbackFor(h.t.db, keyring, offer, 'canary', '1.2.0', h.now(), 60_000);
    expect(JSON.parse(forCanary!.directiveJson)).toMatchObject({
      withdrawn: ['1.2.0'],
      targetVersion: '0.9.0',
      rolloutId: canary.id,
      expiresAt: h.now() + 60_000,
    });
  });
});
