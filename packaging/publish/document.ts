import { createHash } from 'node:crypto';
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  type DocumentDescription,
  ListDocumentVersionsCommand,
  type SSMClient,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';

export interface DocumentResult {
  name: string;
  action: 'created' | 'updated' | 'unchanged';
  documentVersion: string;
  versionName: string;
  status: string;
  madeDefault: boolean;
}

export interface DocumentOptions {
  name: string;
  content: string;
  version: string;
  sourceUrl: string;
  /** How long to wait for Distributor to ingest the attachments (Creating/Updating → Active). */
  timeoutMs: number;
  pollMs?: number;
}

/**
 * Creates the Package document, or adds a version named after the package version, waits until it is Active
 * and makes it the default. A version name that is already published with the same content is left as it is
 * (re-running is safe); with different content it is refused, since Distributor versions are immutable.
 */
export async function publishDocument(ssm: SSMClient, o: DocumentOptions): Promise<DocumentResult> {
  const existing = await describe(ssm, o.name);
  const attachments = [{ Key: 'SourceUrl' as const, Values: [o.sourceUrl] }];
  let action: DocumentResult['action'];
  let docVersion: string;
  if (!existing) {
    const r = await ssm.send(
      new CreateDocumentCommand({
        Name: o.name,
        Content: o.content,
        DocumentType: 'Package',
        DocumentFormat: 'JSON',
        VersionName: o.version,
        Attachments: attachments,
      }),
    );
    action = 'created';
    docVersion = r.DocumentDescription?.DocumentVersion ?? '1';
  } else {
    if (existing.DocumentType !== 'Package')
      throw new Error(`document ${o.name} exists and is a ${existing.DocumentType} document, not a Package`);
    const published = await findVersionName(ssm, o.name, o.version);
    if (published) {
      const d = await describe(ssm, o.name, published);
      if (d?.Hash !== sha256(o.content))
        throw new Error(
          `${o.name} already has version ${o.version} with other content; build with a new --package-version`,
        );
      action = 'unchanged';
      docVersion = published;
    } else {
      const r = await ssm.send(
        new UpdateDocumentCommand({
          Name: o.name,
          Content: o.content,
          DocumentVersion: '$LATEST',
          VersionName: o.version,
          Attachments: attachments,
        }),
      );
      action = 'updated';
      docVersion = r.DocumentDescription?.DocumentVersion ?? '';
    }
  }
  const active = await waitActive(ssm, o, docVersion);
  const madeDefault = active.DefaultVersion !== docVersion;
  if (madeDefault)
    await ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: o.name, DocumentVersion: docVersion }));
  return { name: o.name, action, documentVersion: docVersion, versionName: o.version, status: 'Active', madeDefault };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function describe(ssm: SSMClient, name: string, version?: string): Promise<DocumentDescription | undefined> {
  try {
    return (await ssm.send(new DescribeDocumentCommand({ Name: name, DocumentVersion: version }))).Document;
  } catch (err) {
    if ((err as Error).name === 'InvalidDocument') return undefined;
    throw err;
  }
}

async function findVersionName(ssm: SSMClient, name: string, versionName: string): Promise<string | undefined> {
  let token: string | undefined;
  do {
    const page = await ssm.send(new ListDocumentVersionsCommand({ Name: name, NextToken: token, MaxResults: 50 }));
    const hit = page.DocumentVersions?.find((v) => v.VersionName === versionName);
    if (hit) return hit.DocumentVersion;
    token = page.NextToken;
  } while (token);
  return undefined;
}

async function waitActive(ssm: SSMClient, o: DocumentOptions, version: string): Promise<DocumentDescription> {
  const until = Date.now() + o.timeoutMs;
  for (;;) {
    const d = await describe(ssm, o.name, version);
    if (d?.Status === 'Active') return d;
    if (d?.Status === 'Failed')
      throw new Error(`${o.name} version ${version} failed: ${d.StatusInformation ?? 'no reason given'}`);
    if (Date.now() > until) throw new Error(`${o.name} version ${version} still ${d?.Status} after ${o.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
  }
}
