import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  GetCommandInvocationCommand,
  GetDocumentCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
  type SSMServiceException,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
  waitUntilCommandExecuted,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from './local-aws.ts';
import { clientConfig } from './testing.ts';

let aws: LocalAws;
let ssm: SSMClient;
let s3: S3Client;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const ZIP_X64 = 'zip bytes for x86_64 v1';
const ZIP_ARM = 'zip bytes for arm64 v1';

function manifest(version: string, files: Record<string, string>): string {
  const [x64, arm] = Object.keys(files);
  return JSON.stringify({
    schemaVersion: '2.0',
    version,
    packages: { linux: { _any: { x86_64: { file: x64 }, arm64: { file: arm ?? x64 } } } },
    files: Object.fromEntries(
      Object.entries(files).map(([name, body]) => [name, { checksums: { sha256: sha256(body) } }]),
    ),
  });
}

async function upload(key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: 'vigil-packages', Key: key, Body: body }));
}

async function rejection(p: Promise<unknown>): Promise<SSMServiceException> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: SSMServiceException) => err,
  );
}

beforeAll(async () => {
  aws = await startLocalAws({ services: ['ssm', 's3'] });
  ssm = new SSMClient({ ...clientConfig(aws), maxAttempts: 1 });
  s3 = new S3Client({ ...clientConfig(aws), forcePathStyle: true, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'vigil-packages' }));
  await upload('vigil-agent/1.0.0/vigil-agent-linux-x64.zip', ZIP_X64);
  await upload('vigil-agent/1.0.0/vigil-agent-linux-arm64.zip', ZIP_ARM);
  aws.state.ssm.registerInstance({
    instanceId: 'i-0123456789abcdef0',
    tags: { App: 'vigil', Env: 'prod' },
    name: 'web-1',
  });
  aws.state.ssm.registerInstance({ instanceId: 'i-0123456789abcdef1', tags: { App: 'vigil', Env: 'dev' } });
  aws.state.ssm.registerInstance({ instanceId: 'i-0fedcba9876543210', tags: { App: 'other' } });
});
afterAll(async () => {
  ssm.destroy();
  s3.destroy();
  await aws.close();
});

const V1 = manifest('1.0.0', { 'vigil-agent-linux-x64.zip': ZIP_X64, 'vigil-agent-linux-arm64.zip': ZIP_ARM });

describe('Distributor package documents', () => {
  it('creates a Package document from S3 attachments; it becomes Active with the manifest version', async () => {
    const created = await ssm.send(
      new CreateDocumentCommand({
        Name: 'VigilAgent',
        DocumentType: 'Package',
        DocumentFormat: 'JSON',
        Content: V1,
        Attachments: [{ Key: 'SourceUrl', Values: ['s3://vigil-packages/vigil-agent/1.0.0'] }],
      }),
    );
    expect(created.DocumentDescription).toMatchObject({
      Status: 'Creating',
      DocumentVersion: '1',
      VersionName: '1.0.0',
    });
    expect(created.DocumentDescription!.CreatedDate).toBeInstanceOf(Date);
    const described = await ssm.send(new DescribeDocumentCommand({ Name: 'VigilAgent' }));
    expect(described.Document).toMatchObject({
      Status: 'Active',
      DocumentType: 'Package',
      LatestVersion: '1',
      DefaultVersion: '1',
      Hash: sha256(V1),
      HashType: 'Sha256',
    });
    expect(described.Document!.AttachmentsInformation!.map((a) => a.Name).sort()).toEqual([
      'vigil-agent-linux-arm64.zip',
      'vigil-agent-linux-x64.zip',
    ]);
  });

  it('versions on update, refuses unchanged content, and moves the default only when asked', async () => {
    const same = await rejection(
      ssm.send(new UpdateDocumentCommand({ Name: 'VigilAgent', Content: V1, DocumentVersion: '$LATEST' })),
    );
    expect(same.name).toBe('DuplicateDocumentContent');

    const zip2 = 'zip bytes for x86_64 v1.1';
    await upload('vigil-agent/1.1.0/vigil-agent-linux-x64.zip', zip2);
    await upload('vigil-agent/1.1.0/vigil-agent-linux-arm64.zip', ZIP_ARM);
    const v2 = manifest('1.1.0', { 'vigil-agent-linux-x64.zip': zip2, 'vigil-agent-linux-arm64.zip': ZIP_ARM });
    const updated = await ssm.send(
      new UpdateDocumentCommand({
        Name: 'VigilAgent',
        Content: v2,
        DocumentVersion: '$LATEST',
        Attachments: [{ Key: 'SourceUrl', Values: ['s3://vigil-packages/vigil-agent/1.1.0/'] }],
      }),
    );
    expect(updated.DocumentDescription).toMatchObject({
      DocumentVersion: '2',
      LatestVersion: '2',
      DefaultVersion: '1',
      VersionName: '1.1.0',
      Status: 'Updating',
    });

    const stale = await rejection(
      ssm.send(new UpdateDocumentCommand({ Name: 'VigilAgent', Content: `${v2} `, DocumentVersion: '1' })),
    );
    expect(stale.name).toBe('InvalidDocumentVersion');

    const def = await ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: 'VigilAgent', DocumentVersion: '2' }));
    expect(def.Description).toEqual({ Name: 'VigilAgent', DefaultVersion: '2', DefaultVersionName: '1.1.0' });
    const byName = await ssm.send(new DescribeDocumentCommand({ Name: 'VigilAgent', VersionName: '1.0.0' }));
    expect(byName.Document!.DocumentVersion).toBe('1');
  });

  it('GetDocument returns the manifest and attachment URLs that download the exact bytes', async () => {
    const doc = await ssm.send(new GetDocumentCommand({ Name: 'VigilAgent', DocumentVersion: '1' }));
    expect(doc.Content).toBe(V1);
    const x64 = doc.AttachmentsContent!.find((a) => a.Name === 'vigil-agent-linux-x64.zip')!;
    expect(x64).toMatchObject({ Hash: sha256(ZIP_X64), HashType: 'Sha256', Size: ZIP_X64.length });
    const res = await fetch(x64.Url!);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(ZIP_X64);
  });

  it('marks a version Failed when an attachment is missing or its checksum differs', async () => {
    await upload('bad/vigil-agent-linux-x64.zip', 'not what the manifest says');
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'VigilAgentBad',
        DocumentType: 'Package',
        Content: manifest('0.0.1', { 'vigil-agent-linux-x64.zip': ZIP_X64, 'missing.zip': 'x' }),
        Attachments: [{ Key: 'SourceUrl', Values: ['s3://vigil-packages/bad'] }],
      }),
    );
    const d = await ssm.send(new DescribeDocumentCommand({ Name: 'VigilAgentBad' }));
    expect(d.Document!.Status).toBe('Failed');
    expect(d.Document!.StatusInformation).toMatch(/Checksum mismatch for vigil-agent-linux-x64\.zip/);

    const invalid = await rejection(
      ssm.send(
        new CreateDocumentCommand({
          Name: 'VigilAgentWorse',
          DocumentType: 'Package',
          Content: '{"schemaVersion":"2.0"}',
          Attachments: [],
        }),
      ),
    );
    expect(invalid.name).toBe('InvalidDocumentContent');
  });
});

describe('Run Command', () => {
  it('sends AWS-ConfigureAWSPackage to instances by tag; the SDK waiter sees Success', async () => {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        Targets: [{ Key: 'tag:App', Values: ['vigil'] }],
        Parameters: { action: ['Install'], name: ['VigilAgent'], version: ['1.1.0'] },
        Comment: 'roll out vigil-agent 1.1.0',
      }),
    );
    const cmd = sent.Command!;
    expect(cmd).toMatchObject({ DocumentName: 'AWS-ConfigureAWSPackage', TargetCount: 2, Status: 'Success' });
    expect(cmd.Parameters).toMatchObject({ installationType: ['Uninstall and reinstall'] }); // default filled in
    for (const InstanceId of ['i-0123456789abcdef0', 'i-0123456789abcdef1']) {
      const result = await waitUntilCommandExecuted(
        { client: ssm, maxWaitTime: 5, minDelay: 1 },
        { CommandId: cmd.CommandId, InstanceId },
      );
      expect(result.state).toBe('SUCCESS');
    }
    const inv = await ssm.send(new ListCommandInvocationsCommand({ CommandId: cmd.CommandId, Details: true }));
    expect(inv.CommandInvocations!.map((i) => i.InstanceId).sort()).toEqual([
      'i-0123456789abcdef0',
      'i-0123456789abcdef1',
    ]);
    expect(inv.CommandInvocations![0].CommandPlugins![0]).toMatchObject({
      Name: 'configurePackage',
      Status: 'Success',
      ResponseCode: 0,
    });
    const listed = await ssm.send(new ListCommandsCommand({ CommandId: cmd.CommandId }));
    expect(listed.Commands![0].Comment).toBe('roll out vigil-agent 1.1.0');
    expect(aws.state.ssm.sentCommands().at(-1)!.input).toMatchObject({
      Targets: [{ Key: 'tag:App', Values: ['vigil'] }],
    });
    expect(aws.calls.count('ssm', 'SendCommand')).toBeGreaterThanOrEqual(1);
  });

  it('fails the invocation for a package version that does not exist', async () => {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-ConfigureAWSPackage',
        InstanceIds: ['i-0123456789abcdef0'],
        Parameters: { action: ['Install'], name: ['VigilAgent'], version: ['9.9.9'] },
      }),
    );
    const got = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: sent.Command!.CommandId, InstanceId: 'i-0123456789abcdef0' }),
    );
    expect(got).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 1,
      PluginName: 'configurePackage',
    });
    expect(got.StandardErrorContent).toMatch(/VigilAgent version 9\.9\.9/);
    await expect(
      waitUntilCommandExecuted(
        { client: ssm, maxWaitTime: 5, minDelay: 1 },
        { CommandId: sent.Command!.CommandId, InstanceId: 'i-0123456789abcdef0' },
      ),
    ).rejects.toThrow();
  });

  it('validates parameters and instance ids like SSM', async () => {
    const unknownParam = await rejection(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['i-0123456789abcdef0'],
          Parameters: { command: ['id'] },
        }),
      ),
    );
    expect(unknownParam.name).toBe('InvalidParameters');
    const notAllowed = await rejection(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-ConfigureAWSPackage',
          InstanceIds: ['i-0123456789abcdef0'],
          Parameters: { action: ['Explode'], name: ['x'] },
        }),
      ),
    );
    expect(notAllowed.name).toBe('InvalidParameters');
    const badInstance = await rejection(
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['i-00000000000000000'],
          Parameters: { commands: ['id'] },
        }),
      ),
    );
    expect(badInstance.name).toBe('InvalidInstanceId');
    const noDoc = await rejection(
      ssm.send(new SendCommandCommand({ DocumentName: 'Nope', InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(noDoc.name).toBe('InvalidDocument');
    const noInvocation = await rejection(
      ssm.send(
        new GetCommandInvocationCommand({
          CommandId: '00000000-0000-0000-0000-000000000000',
          InstanceId: 'i-0123456789abcdef0',
        }),
      ),
    );
    expect(noInvocation.name).toBe('InvocationDoesNotExist');
  });

  it('reports InProgress until the configured latency passes, then the configured outcome', async () => {
    let now = Date.now();
    const local = await startLocalAws({
      services: ['ssm'],
      clock: { now: () => now },
      ssm: { commandLatencyMs: 5000 },
    });
    const client = new SSMClient({ ...clientConfig(local), maxAttempts: 1 });
    try {
      local.state.ssm.registerInstance({ instanceId: 'i-0123456789abcdef0', tags: {} });
      local.state.ssm.setInvocationResult({ status: 'Failed', error: 'disk full', responseCode: 2 });
      const sent = await client.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['i-0123456789abcdef0'],
          Parameters: { commands: ['df -h'] },
        }),
      );
      const ids = { CommandId: sent.Command!.CommandId, InstanceId: 'i-0123456789abcdef0' };
      expect((await client.send(new GetCommandInvocationCommand(ids))).Status).toBe('InProgress');
      now += 5000;
      const done = await client.send(new GetCommandInvocationCommand(ids));
      expect(done).toMatchObject({
        Status: 'Failed',
        ResponseCode: 2,
        StandardErrorContent: 'disk full',
        PluginName: 'aws:runShellScript',
      });
      expect((await client.send(new ListCommandsCommand({}))).Commands![0].Status).toBe('Failed');
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
