import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkFiles, verifyOffer } from '../../../agent/src/uplink/signed-bundle.ts';
import { readTar, writeTar } from '../../../models/src/util/tar.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { type Harness, harness } from '../testing/harness.ts';
import { registryPlugin } from './plugin.ts';
import { rolloutBucket } from './rollouts.ts';
import { bundleFiles, tarGz } from './test-bundle.ts';

const backends = await dbBackends();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function registryHarness(backend: (typeof backends)[number]): Promise<Harness> {
  const keyDir = mkdtempSync(path.join(tmpdir(), 'vigil-keys-'));
  dirs.push(keyDir);
  return harness(backend, {}, { plugins: [registryPlugin({ keyDir }, { startJobs: false })] });
}

async function upload(h: Harness, body: Buffer, role: 'admin' | 'operator' = 'admin') {
  return h.call({
    method: 'POST',
    url: '/v1/bundles',
    token: await h.token(role),
    headers: { 'content-type': 'application/gzip' },
    payload: body,
  });
}

describe.each(backends)('registry on $name', (backend) => {
  let h: Harness;
  beforeEach(async () => {
    h = await registryHarness(backend);
  });
  afterEach(() => h.close());

  it('signs an uploaded bundle and serves it to an agent, verifiable with the published key', async () => {
    const up = await upload(h, tarGz(bundleFiles('1.2.0')));
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ version: '1.2.0', featureSchemaHash: 'fs-hash-0001' });
    const agent = await h.enroll();
    const none = await h.call({ method: 'GET', url: '/v1/agents/bundle', token: agent.credential });
    expect(none.statusCode).toBe(204);

    const op = await h.token('operator');
    const ro = await h.call({
      method: 'POST',
      url: '/v1/rollouts',
      token: op,
      payload: { bundleVersion: '1.2.0', channel: 'stable', percent: 100 },
    });
    expect(ro.statusCode).toBe(201);
    expect(ro.json().status).toBe('completed');

    const res = await h.call({ method: 'GET', url: '/v1/agents/bundle?current=1.1.0', token: agent.credential });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1.2.0"');
    const offer = res.json();
    const keys = (await h.call({ method: 'GET', url: '/v1/keys' })).json().items;
    expect(keys).toHaveLength(1);
    const pub = createPublicKey(keys[0].publicKeyPem);
    const sig = Buffer.from(offer.signature.value, 'base64');
    expect(offer.signature.keyId).toBe(keys[0].keyId);
    expect(verify(null, Buffer.from(offer.manifestJson), pub, sig)).toBe(true);
    expect(verify(null, Buffer.from(offer.manifestJson.replace('1.2.0', '1.2.1')), pub, sig)).toBe(false);

    // The agent's own checks accept it end to end.
    const manifest = verifyOffer(offer, new Map([[keys[0].keyId, pub]]));
    const dl = await h.call({ method: 'GET', url: offer.download.url, token: agent.credential });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.length).toBe(offer.download.size);
    checkFiles(manifest, readTar(gunzipSync(dl.rawPayload)));

    const again = await h.call({
      method: 'GET',
      url: '/v1/agents/bundle',
      token: agent.credential,
      headers: { 'if-none-match': '"1.2.0"' },
    });
    expect(again.statusCode).toBe(304);
    const { rows } = await h.t.db.query('SELECT current_version FROM agent_bundle_state');
    expect(rows).toEqual([{ current_version: '1.1.0' }]);
  });

  it('refuses a file whose hash does not match, an unlisted file, a path, and a duplicate version', async () => {
    const files = bundleFiles('2.0.0');
    const tampered = files.map((f) => (f.name === 'volume.json' ? { ...f, data: Buffer.from('{"evil":1}') } : f));
    const bad = await upload(h, tarGz(tampered));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_bundle', field: 'volume.json' });
    expect(bad.json().error.message).toMatch(/volume\.json: sha256 [0-9a-f]{64} does not match/);

    const extra = await upload(h, tarGz([...files, { name: 'run.sh', data: Buffer.from('#!/bin/sh') }]));
    expect(extra.json().error).toMatchObject({ code: 'invalid_bundle', field: 'run.sh' });

    const traversal = await upload(h, tarGz([...files, { name: '../x', data: Buffer.from('x') }]));
    expect(traversal.statusCode).toBe(400);
    expect(traversal.json().error.message).toMatch(/not a plain file name/);

    const plainTar = await h.call({
      method: 'POST',
      url: '/v1/bundles',
      token: await h.token('admin'),
      headers: { 'content-type': 'application/x-tar' },
      payload: writeTar(files),
    });
    expect(plainTar.statusCode).toBe(201);
    expect((await upload(h, tarGz(files))).statusCode).toBe(409);
  });

  it('enforces roles: operators cannot upload, viewers cannot roll out, agents cannot call operator routes', async () => {
    expect((await upload(h, tarGz(bundleFiles('3.0.0')), 'operator')).statusCode).toBe(403);
    const body = { bundleVersion: '3.0.0', channel: 'stable', percent: 10 };
    const viewer = await h.call({ method: 'POST', url: '/v1/rollouts', token: await h.token('viewer'), payload: body });
    expect(viewer.json().error.code).toBe('forbidden');
    const agent = await h.enroll();
    const asAgent = await h.call({ method: 'POST', url: '/v1/rollouts', token: agent.credential, payload: body });
    expect(asAgent.json().error.code).toBe('wrong_credential_kind');
    const audit = await h.t.db.query<{ action: string; result: string }>(
      "SELECT action, result FROM audit_log WHERE action IN ('bundle.upload', 'rollout.create') ORDER BY seq",
    );
    expect(audit.rows.map((r) => r.result)).toEqual(['denied', 'denied', 'denied']);
  });

  it('stages a canary rollout by host bucket, halts and rolls back to the stable bundle', async () => {
    await upload(h, tarGz(bundleFiles('1.0.0')));
    await upload(h, tarGz(bundleFiles('1.1.0')));
    const op = await h.token('operator');
    const post = (url: string, payload: object) => h.call({ method: 'POST', url, token: op, payload });
    await post('/v1/rollouts', { bundleVersion: '1.0.0', channel: 'stable', percent: 100 });

    const a = await h.enroll('i-0aaa', 'web-a');
    const b = await h.enroll('i-0bbb', 'web-b');
    const [lo, hi] = [a, b].sort((x, y) => rolloutBucket(x.agentId) - rolloutBucket(y.agentId));
    const percent = Math.floor(rolloutBucket(lo.agentId) / 100) + 1;
    for (const ag of [a, b]) {
      const put = await h.call({
        method: 'PUT',
        url: `/v1/agents/${ag.agentId}/channel`,
        token: op,
        payload: { channel: 'canary' },
      });
      expect(put.statusCode).toBe(204);
    }
    const ro = (await post('/v1/rollouts', { bundleVersion: '1.1.0', channel: 'canary', percent })).json();
    const versionOf = async (cred: string) =>
      (await h.call({ method: 'GET', url: '/v1/agents/bundle', token: cred })).json().version;
    expect(await versionOf(lo.credential)).toBe('1.1.0');
    const hiIn = rolloutBucket(hi.agentId) < percent * 100;
    expect(await versionOf(hi.credential)).toBe(hiIn ? '1.1.0' : '1.0.0');

    const second = await post('/v1/rollouts', { bundleVersion: '1.0.0', channel: 'canary', percent: 5 });
    expect(second.json().error.code).toBe('rollout_in_progress');
    expect((await post(`/v1/rollouts/${ro.id}/halt`, { reason: 'looks odd' })).json()).toMatchObject({
      status: 'paused',
      haltReason: 'test-operator: looks odd',
    });
    expect(await versionOf(lo.credential)).toBe('1.1.0');
    const back = await post(`/v1/rollouts/${ro.id}/rollback`, { reason: 'bad model' });
    expect(back.json().status).toBe('rolled_back');
    expect(await versionOf(lo.credential)).toBe('1.0.0');
    expect((await post(`/v1/rollouts/${ro.id}/advance`, { percent: 100 })).statusCode).toBe(409);
  });
});

describe('rolloutBucket', () => {
  it('is stable per agent and spreads hosts evenly', () => {
    expect(rolloutBucket('agt_0123')).toBe(rolloutBucket('agt_0123'));
    let inTen = 0;
    for (let i = 0; i < 20_000; i++) if (rolloutBucket(`agt_${i.toString(16).padStart(24, '0')}`) < 1000) inTen++;
    expect(inTen / 20_000).toBeGreaterThan(0.09);
    expect(inTen / 20_000).toBeLessThan(0.11);
  });
});
