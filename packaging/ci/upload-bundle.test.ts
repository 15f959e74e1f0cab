import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBundle } from '../../control-plane/src/registry/bundle-archive.ts';
import { registryPlugin } from '../../control-plane/src/registry/plugin.ts';
import { type Harness, harness } from '../../control-plane/src/testing/harness.ts';
import { dbBackends } from '../../test/support/pg.ts';
import { bundleArchive, main, uploadBundle } from './upload-bundle.ts';

const BUNDLE = path.resolve(import.meta.dirname, '../../models/bundles/default');
const tmp = mkdtempSync(path.join(tmpdir(), 'vigil-upload-'));
const [pglite] = await dbBackends();
let h: Harness;
let url: string;
let admin: string;

beforeAll(async () => {
  h = await harness(
    pglite,
    {},
    { plugins: [registryPlugin({ keyDir: path.join(tmp, 'keys') }, { startJobs: false })] },
  );
  url = await h.app.listen({ port: 0, host: '127.0.0.1' });
  admin = await h.token('admin');
});
afterAll(async () => {
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('bundleArchive', () => {
  it('packs exactly what the registry accepts: the manifest and its listed files', () => {
    const { manifest, archive } = bundleArchive(BUNDLE);
    const prepared = prepareBundle(archive, 64 * 1024 * 1024);
    expect(prepared.manifest.bundleVersion).toBe(manifest.bundleVersion);
    const names = JSON.parse(prepared.signedManifestJson).files.map((f: { path: string }) => f.path);
    expect(names.sort()).toEqual(['detector.onnx', 'detector.xgb', 'manifest.json', 'typer.onnx']);
  });

  it('refuses a bundle whose file no longer matches its sha256, naming the file', () => {
    const copy = path.join(tmp, 'tampered');
    cpSync(BUNDLE, copy, { recursive: true });
    const file = path.join(copy, 'typer.onnx');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    expect(() => bundleArchive(copy)).toThrow(/typer\.onnx: sha256 does not match/);
  });
});

describe('uploadBundle against a running control plane', () => {
  it('publishes once; a second upload of the version is refused unless allowed', async () => {
    const first = await uploadBundle({ url, token: admin, dir: BUNDLE });
    expect(first).toMatchObject({ status: 'published', version: '1.0.0', body: { version: '1.0.0' } });
    await expect(uploadBundle({ url, token: admin, dir: BUNDLE })).rejects.toThrow(/409.*bundle_exists/);
    const again = await uploadBundle({ url, token: admin, dir: BUNDLE, allowExisting: true });
    expect(again.status).toBe('exists');
  });

  it('surfaces an authorization failure with the server’s answer', async () => {
    const viewer = await h.token('viewer');
    await expect(uploadBundle({ url, token: viewer, dir: BUNDLE })).rejects.toThrow(/403.*forbidden/);
  });

  it('takes the token from the environment only and checks its shape', async () => {
    await expect(main(['--url', url, '--bundle', BUNDLE], {})).rejects.toThrow(/VIGIL_ADMIN_TOKEN/);
    await expect(main(['--url', 'ftp://x', '--bundle', BUNDLE], { VIGIL_ADMIN_TOKEN: admin })).rejects.toThrow(/--url/);
    expect(await main(['--url', url, '--bundle', BUNDLE, '--allow-existing'], { VIGIL_ADMIN_TOKEN: admin })).toBe(0);
  });
});
