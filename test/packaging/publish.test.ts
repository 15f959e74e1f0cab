/**
 * `vigil package publish` against the local S3 and SSM stand-ins (real AWS SDK clients on 127.0.0.1): uploads,
 * the Distributor Package document (create, idempotent re-run, new version), and AWS-ConfigureAWSPackage on a
 * fleet by tag. The package directory holds small stand-in zips: publishing does not look inside them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../models/src/util/cli.ts';
import { run } from '../../packaging/publish/cli.ts';
import { distributorManifest } from '../../packaging/ssm/manifest.ts';
import { PLATFORMS, zipName } from '../../packaging/ssm/platforms.ts';
import { clientConfig, type LocalAws, startLocalAws } from '../localaws/index.ts';

let aws: LocalAws;
let root: string;
const BUCKET = 'vigil-releases';

/** A package directory like dist/packages: manifest.json and one (small) zip per platform and architecture. */
function packageDir(version: string, salt = ''): string {
  const dir = mkdtempSync(path.join(root, `pkg-${version}-`));
  const zips = PLATFORMS.flatMap((p) =>
    (['x64', 'arm64'] as const).map((arch) => {
      const file = zipName(version, p.id, arch);
      const body = Buffer.from(`PK stand-in for ${file}${salt}`);
      writeFileSync(path.join(dir, file), body);
      return { platform: p.id, arch, file, sha256: createHash('sha256').update(body).digest('hex') };
    }),
  );
  writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(distributorManifest(version, zips), null, 2)}\n`);
  return dir;
}

async function publish(args: string[]): Promise<{ code: number; out: unknown }> {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    const code = await run(['publish', '--endpoint-url', aws.endpoint, '--bucket', BUCKET, '--json', ...args]);
    return { code, out: JSON.parse(writes.join('')) };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'us-east-1';
  root = mkdtempSync(path.join(tmpdir(), 'vigil-publish-'));
  aws = await startLocalAws({ port: 0, services: ['s3', 'ssm'] });
  aws.state.s3.createBucket(BUCKET);
  aws.state.ssm.registerInstance({ instanceId: 'i-0aaaaaaaaaaaaaaa1', tags: { Role: 'web', Env: 'prod' } });
  aws.state.ssm.registerInstance({ instanceId: 'i-0aaaaaaaaaaaaaaa2', tags: { Role: 'web', Env: 'dev' } });
  aws.state.ssm.registerInstance({ instanceId: 'i-0aaaaaaaaaaaaaaa3', tags: { Role: 'db', Env: 'prod' } });
});

afterEach(() => aws.calls.clear());

afterAll(async () => {
  await aws?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('vigil package publish', () => {
  it('uploads the zips, creates the Package document, waits for Active and makes it the default', async () => {
    const dir = packageDir('1.2.3');
    const { code, out } = await publish(['--dir', dir, '--prefix', 'releases/agent/']);
    expect(code).toBe(0);
    const r = out as { uploads: { key: string; action: string }[]; document: Record<string, unknown> };
    expect(r.uploads).toHaveLength(6);
    expect(r.uploads.every((u) => u.action === 'uploaded' && u.key.startsWith('releases/agent/1.2.3/'))).toBe(true);
    expect(r.document).toMatchObject({
      action: 'created',
      documentVersion: '1',
      versionName: '1.2.3',
      status: 'Active',
    });
    const obj = aws.state.s3.getObject(BUCKET, `releases/agent/1.2.3/${zipName('1.2.3', 'ubuntu', 'arm64')}`);
    expect(obj?.body.toString()).toContain('stand-in for vigil-agent_1.2.3_ubuntu_arm64.zip');
    const ssm = new SSMClient(clientConfig(aws));
    const doc = (await ssm.send(new DescribeDocumentCommand({ Name: 'VigilAgent' }))).Document;
    ssm.destroy();
    expect(doc).toMatchObject({ DocumentType: 'Package', Status: 'Active', VersionName: '1.2.3', DefaultVersion: '1' });
    expect(doc?.AttachmentsInformation).toHaveLength(6);
  });

  it('is idempotent: a second run uploads nothing and leaves the document as it is', async () => {
    const dir = packageDir('1.2.3');
    const { code, out } = await publish(['--dir', dir, '--prefix', 'releases/agent']);
    expect(code).toBe(0);
    const r = out as { uploads: { action: string }[]; document: Record<string, unknown> };
    expect(r.uploads.map((u) => u.action)).toEqual(Array(6).fill('unchanged'));
    expect(r.document).toMatchObject({ action: 'unchanged', documentVersion: '1', madeDefault: false });
    expect(aws.calls.list('s3', 'PutObject')).toHaveLength(0);
    expect(aws.calls.list('ssm', 'UpdateDocument')).toHaveLength(0);
  });

  it('refuses to republish a version name with other content', async () => {
    const dir = packageDir('1.2.3', ' rebuilt');
    await expect(publish(['--dir', dir, '--prefix', 'other/'])).rejects.toThrow(/already has version 1.2.3/);
  });

  it('adds a new version, makes it the default and installs it on the fleet by tag', async () => {
    const dir = packageDir('1.2.4');
    const args = ['--dir', dir, '--tag', 'Role=web', '--tag', 'Env=prod', '--in-place', '--wait', '30'];
    const { code, out } = await publish(args);
    expect(code).toBe(0);
    const r = out as { document: Record<string, unknown>; fleet: { status: string; invocations: unknown[] } };
    expect(r.document).toMatchObject({ action: 'updated', documentVersion: '2', madeDefault: true });
    expect(r.fleet.status).toBe('Success');
    expect(r.fleet.invocations).toEqual([{ instanceId: 'i-0aaaaaaaaaaaaaaa1', status: 'Success' }]);
    const sent = aws.state.ssm.sentCommands().at(-1);
    expect(sent?.input).toMatchObject({
      DocumentName: 'AWS-ConfigureAWSPackage',
      Targets: [
        { Key: 'tag:Role', Values: ['web'] },
        { Key: 'tag:Env', Values: ['prod'] },
      ],
      Parameters: {
        action: ['Install'],
        name: ['VigilAgent'],
        version: ['1.2.4'],
        installationType: ['In-place update'],
      },
      MaxConcurrency: '10%',
      MaxErrors: '1',
    });
  });

  it('reports a failed fleet install with a non-zero exit', async () => {
    aws.state.ssm.setInvocationResult({ status: 'Failed', error: 'install.sh: glibc 2.26 is older than 2.28' });
    try {
      const { code, out } = await publish(['--dir', packageDir('1.2.4'), '--tag', 'Role=db', '--wait', '30']);
      expect(code).toBe(1);
      expect((out as { fleet: { status: string } }).fleet.status).toBe('Failed');
    } finally {
      aws.state.ssm.setInvocationResult(undefined);
    }
  });

  it('refuses a zip whose sha256 does not match manifest.json, before any upload', async () => {
    const dir = packageDir('1.2.5');
    writeFileSync(path.join(dir, zipName('1.2.5', 'redhat', 'x64')), 'tampered');
    await expect(publish(['--dir', dir])).rejects.toThrow(
      /vigil-agent_1\.2\.5_redhat_x86_64\.zip: sha256 .* does not match/,
    );
    expect(aws.calls.count()).toBe(0);
  });

  it('--dry-run prints the plan and calls no AWS API', async () => {
    const { code, out } = await publish(['--dir', packageDir('1.2.6'), '--dry-run', '--tag', 'Role=web']);
    expect(code).toBe(0);
    expect(out).toMatchObject({
      dryRun: true,
      plan: { sourceUrl: `s3://${BUCKET}/vigil-agent/1.2.6`, documentName: 'VigilAgent', version: '1.2.6' },
    });
    expect(aws.calls.count()).toBe(0);
  });

  it('names the bad flag', async () => {
    const dir = packageDir('1.2.7');
    await expect(publish(['--dir', dir, '--tag', 'Role'])).rejects.toThrow(UsageError);
    await expect(publish(['--dir', dir, '--tag', 'Role=web', '--max-errors', 'lots'])).rejects.toThrow(/--max-errors/);
    await expect(publish(['--dir', dir, '--document-name', 'AWS-Mine'])).rejects.toThrow(/--document-name/);
    await expect(run(['publish', '--dir', dir])).rejects.toThrow(/--bucket is required/);
  });
});
