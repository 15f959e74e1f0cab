import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parseCommand, UsageError } from '../../models/src/util/cli.ts';
import { REPO_ROOT } from '../sea/bundle.ts';
import { type DocumentResult, publishDocument } from './document.ts';
import { checkRate, type FleetResult, installOnFleet, parseTag, type Tag } from './fleet.ts';
import { type PackageDir, readPackageDir } from './package-dir.ts';
import { type UploadResult, uploadFiles } from './upload.ts';

const USAGE = `Usage: vigil package publish --bucket B [options]
       vigil package build [options]     (same as npm run package; see --help there)

publish: uploads the Distributor zips listed in DIR/manifest.json to s3://B/PREFIX/VERSION/ (skipping objects that
already hold the same SHA-256), creates the SSM Package document or adds the version to it, waits until
Distributor has ingested it (Active) and makes it the default. With --tag, then runs AWS-ConfigureAWSPackage on
every managed node carrying all the tags.

Options:
  --dir DIR               the package directory (default dist/packages)
  --bucket B              S3 bucket for the zips (required)
  --prefix P              key prefix (default vigil-agent/)
  --document-name N       SSM document name (default VigilAgent)
  --tag Key=Value         install on nodes with this tag (repeat: all must match)
  --in-place              installationType "In-place update" (update.sh) instead of uninstall and reinstall
  --max-concurrency R     nodes at once, count or % (default 10%)
  --max-errors R          stop after this many failures, count or % (default 1)
  --wait SECONDS          wait for the fleet command to finish (default 0: do not wait)
  --timeout SECONDS       how long Distributor may take to ingest the package (default 600)
  --region R              AWS region (default $AWS_REGION, else us-east-1)
  --endpoint-url URL      endpoint override for S3 and SSM (tests, VPC endpoints)
  --dry-run               check the package directory and print the plan; no AWS call
  --json                  JSON output
  -h, --help              show this help`;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*'()/-]{0,512}$/;
const DOC_NAME = /^[A-Za-z0-9_.-]{3,128}$/;

interface PublishPlan {
  dir: string;
  bucket: string;
  keyPrefix: string;
  sourceUrl: string;
  documentName: string;
  version: string;
  files: { name: string; bytes: number; sha256: string }[];
  fleet?: { tags: Tag[]; inPlace: boolean; maxConcurrency: string; maxErrors: string };
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'build') return (await import('../build.ts')).main(rest);
  if (sub !== 'publish') throw new UsageError(`unknown subcommand '${sub.slice(0, 32)}'\n\n${USAGE}`);
  const parsed = parseCommand(rest, {
    usage: USAGE,
    options: {
      dir: { type: 'string' },
      bucket: { type: 'string' },
      prefix: { type: 'string' },
      'document-name': { type: 'string' },
      tag: { type: 'string', multiple: true },
      'in-place': { type: 'boolean' },
      'max-concurrency': { type: 'string' },
      'max-errors': { type: 'string' },
      wait: { type: 'string' },
      timeout: { type: 'string' },
      region: { type: 'string' },
      'endpoint-url': { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const { plan, pkg } = await makePlan(v);
  const print = (value: unknown, text: string) =>
    process.stdout.write(v.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
  if (v['dry-run']) {
    print({ dryRun: true, plan }, describePlan(plan));
    return 0;
  }
  const region = v.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const endpoint = v['endpoint-url'];
  const s3 = new S3Client({ region, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
  const ssm = new SSMClient({ region, ...(endpoint ? { endpoint } : {}) });
  try {
    const uploads = await uploadFiles(s3, plan.bucket, plan.keyPrefix, pkg.files);
    const document = await publishDocument(ssm, {
      name: plan.documentName,
      content: pkg.content,
      version: plan.version,
      sourceUrl: plan.sourceUrl,
      timeoutMs: seconds('timeout', v.timeout, 600) * 1000,
    });
    const fleet = plan.fleet
      ? await installOnFleet(ssm, {
          documentName: plan.documentName,
          version: plan.version,
          ...plan.fleet,
          waitMs: seconds('wait', v.wait, 0) * 1000,
        })
      : undefined;
    print({ plan, uploads, document, fleet }, describeResult(uploads, document, fleet));
    return fleet?.status === 'Failed' ? 1 : 0;
  } finally {
    s3.destroy();
    ssm.destroy();
  }
}

async function makePlan(
  v: Record<string, string | string[] | boolean | undefined>,
): Promise<{ plan: PublishPlan; pkg: PackageDir }> {
  const bucket = v.bucket as string | undefined;
  if (!bucket) throw new UsageError(`--bucket is required\n\n${USAGE}`);
  if (!BUCKET.test(bucket)) throw new UsageError(`--bucket '${bucket.slice(0, 64)}' is not a valid S3 bucket name`);
  const rawPrefix = (v.prefix as string | undefined) ?? 'vigil-agent/';
  if (!PREFIX.test(rawPrefix) || rawPrefix.split('/').includes('..'))
    throw new UsageError(`--prefix '${rawPrefix.slice(0, 64)}' has characters outside S3's safe set`);
  const documentName = (v['document-name'] as string | undefined) ?? 'VigilAgent';
  if (!DOC_NAME.test(documentName) || /^(aws|amazon|amzn)/i.test(documentName))
    throw new UsageError('--document-name must be 3-128 of A-Za-z0-9_.- and not start with aws, amazon or amzn');
  const tags = ((v.tag as string[] | undefined) ?? []).map((t) => usage(() => parseTag(t)));
  const dir = path.resolve((v.dir as string | undefined) ?? path.join(REPO_ROOT, 'dist/packages'));
  const pkg = await readPackageDir(dir);
  const trimmed = rawPrefix.replace(/^\/+|\/+$/g, '');
  const keyPrefix = `${trimmed ? `${trimmed}/` : ''}${pkg.manifest.version}/`;
  const plan: PublishPlan = {
    dir,
    bucket,
    keyPrefix,
    sourceUrl: `s3://${bucket}/${keyPrefix.slice(0, -1)}`,
    documentName,
    version: pkg.manifest.version,
    files: pkg.files.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 })),
    fleet: tags.length
      ? {
          tags,
          inPlace: !!v['in-place'],
          maxConcurrency: usage(() => checkRate('--max-concurrency', (v['max-concurrency'] as string) ?? '10%')),
          maxErrors: usage(() => checkRate('--max-errors', (v['max-errors'] as string) ?? '1')),
        }
      : undefined,
  };
  return { plan, pkg };
}

function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function seconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value)) throw new UsageError(`--${name} must be a whole number of seconds, got '${value}'`);
  return Number(value);
}

function describePlan(p: PublishPlan): string {
  const lines = [`would publish ${p.documentName} version ${p.version} from ${p.sourceUrl}:`];
  for (const f of p.files)
    lines.push(`  put s3://${p.bucket}/${p.keyPrefix}${f.name} (${f.bytes} bytes, sha256 ${f.sha256})`);
  lines.push(`  create or update the Package document ${p.documentName}, wait for Active, make it the default`);
  if (p.fleet)
    lines.push(
      `  run AWS-ConfigureAWSPackage on nodes tagged ${p.fleet.tags.map((t) => `${t.key}=${t.value}`).join(' and ')}` +
        ` (${p.fleet.inPlace ? 'in-place update' : 'uninstall and reinstall'}, max concurrency ${p.fleet.maxConcurrency}, max errors ${p.fleet.maxErrors})`,
    );
  return lines.join('\n');
}

function describeResult(uploads: UploadResult[], d: DocumentResult, fleet?: FleetResult): string {
  const lines = uploads.map((u) => `${u.action.padEnd(9)} ${u.key} (${u.bytes} bytes)`);
  lines.push(
    `document ${d.name} ${d.action}: version ${d.documentVersion} (${d.versionName}) ${d.status}${d.madeDefault ? ', now the default' : ''}`,
  );
  if (fleet) {
    lines.push(`AWS-ConfigureAWSPackage command ${fleet.commandId}: ${fleet.status ?? 'sent'}`);
    for (const i of fleet.invocations) lines.push(`  ${i.instanceId} ${i.status}`);
  }
  return lines.join('\n');
}
