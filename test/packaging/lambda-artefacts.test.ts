/**
 * The Lambda zips are built, checked against Lambda's size limits, unpacked outside the repository (so nothing can
 * resolve from the project's node_modules) and invoked in a fresh Node process, as the Lambda runtime would.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vpcPortScan } from '../../control-plane/src/detect/test-data.ts';
import {
  buildLambdaArtefacts,
  handlerOf,
  LAMBDA_FUNCTIONS,
  LAMBDA_MAX_UNZIPPED_BYTES,
  LAMBDA_MAX_ZIPPED_BYTES,
} from '../../packaging/lambda/build.ts';
import { dbBackends, type TestDb } from '../support/pg.ts';

/** Reads a zip through its central directory (deflate or stored entries). Returns name -> bytes. */
function unzip(file: string): Map<string, Buffer> {
  const buf = readFileSync(file);
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central header at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + csize);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function extract(file: string, dest: string): number {
  let bytes = 0;
  for (const [name, data] of unzip(file)) {
    if (name.split('/').includes('..') || path.isAbsolute(name)) throw new Error(`unsafe entry ${name}`);
    mkdirSync(path.dirname(path.join(dest, name)), { recursive: true });
    writeFileSync(path.join(dest, name), data);
    bytes += data.length;
  }
  return bytes;
}

const INVOKE = `
import { readFileSync } from 'node:fs';
const [file, eventFile] = process.argv.slice(2);
const context = { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', getRemainingTimeInMillis: () => 29000 };
try {
  const mod = await import(file);
  const result = await mod.handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
  process.stdout.write(JSON.stringify({ result }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err.message }));
}
process.exit(0); // a pg pool would keep the process alive
`;

/** Runs the handler of the unpacked function `dir` on `event` in a fresh Node, with only `env`. */
function invoke(tmp: string, dir: string, fn: string, event: unknown, env: Record<string, string>) {
  const spec = LAMBDA_FUNCTIONS.find((f) => f.name === fn)!;
  const moduleFile = path.join(dir, `${handlerOf(spec).replace(/\.handler$/, '')}.mjs`);
  const eventFile = path.join(tmp, `${fn}-event.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  writeFileSync(path.join(tmp, 'invoke.mjs'), INVOKE);
  const r = spawnSync(process.execPath, [path.join(tmp, 'invoke.mjs'), moduleFile, eventFile], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: tmp, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`invoke ${fn} exited ${r.status}: ${r.stderr.slice(-1500)}`);
  return JSON.parse(r.stdout) as { result?: Record<string, unknown>; error?: string };
}

const httpApiGet = (rawPath: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath,
  rawQueryString: '',
  headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'x-forwarded-for': '198.51.100.1' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
    http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'curl/8.5.0' },
    requestId: 'JKJaXmPLvHcESHA=',
    routeKey: '$default',
    stage: '$default',
    timeEpoch: 1740787200000,
  },
  isBase64Encoded: false,
});

describe('Lambda artefacts (packaging/lambda/build.ts)', () => {
  let tmp: string;
  let built: { name: string; path: string; bytes: number }[];
  const unpacked = new Map<string, { dir: string; bytes: number }>();

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'vigil-lambda-'));
    built = await buildLambdaArtefacts(path.join(tmp, 'dist'));
    for (const a of built) {
      const dir = path.join(tmp, 'unpacked', a.name);
      unpacked.set(a.name, { dir, bytes: extract(a.path, dir) });
      console.info(
        `lambda ${a.name}: ${(a.bytes / 2 ** 20).toFixed(1)} MiB zipped, ` +
          `${(unpacked.get(a.name)!.bytes / 2 ** 20).toFixed(1)} MiB unzipped`,
      );
    }
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('builds one zip per function, inside the 50 MB zipped / 250 MB unzipped limits', () => {
    expect(built.map((a) => a.name).sort()).toEqual(LAMBDA_FUNCTIONS.map((f) => f.name).sort());
    for (const a of built) {
      expect(a.bytes).toBe(readFileSync(a.path).length);
      expect(a.bytes).toBeLessThan(LAMBDA_MAX_ZIPPED_BYTES);
      expect(unpacked.get(a.name)!.bytes).toBeLessThan(LAMBDA_MAX_UNZIPPED_BYTES);
    }
  });

  it('ships only the linux-x64 ONNX Runtime binding, the model bundle, and no PGlite', () => {
    for (const a of built) {
      const names = [...unzip(a.path).keys()];
      expect(names).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node');
      expect(names.filter((n) => n.includes('/bin/napi-v6/') && !n.includes('/linux/x64/'))).toEqual([]);
      expect(names).toContain('models/bundles/default/manifest.json');
      expect(names.some((n) => n.includes('@electric-sql/pglite'))).toBe(false);
    }
  });

  it('passes `unzip -t` when the tool is installed', () => {
    const has = spawnSync('unzip', ['-v']).status === 0;
    if (!has) {
      console.warn('lambda test: unzip is not installed: the archive is checked by this test’s own reader only');
      return;
    }
    for (const a of built) execFileSync('unzip', ['-tq', a.path]);
  });

  it('the subscription handler decodes a CloudWatch Logs delivery and finds the port scan', () => {
    const lines = vpcPortScan(Date.UTC(2025, 2, 1, 12));
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/vigil/vpc-flow',
      logStream: 'eni-0de93a910d93ab4be-all',
      subscriptionFilters: ['to-vigil'],
      logEvents: lines.map((message, i) => ({
        id: String(i),
        timestamp: Number(message.split(' ')[10]) * 1000,
        message,
      })),
    };
    const event = { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
    const { dir } = unpacked.get('vigil-logs-subscription')!;
    const out = invoke(tmp, dir, 'vigil-logs-subscription', event, {
      VIGIL_GROUP_FORMATS: JSON.stringify([{ pattern: '/vigil/vpc-flow', format: 'vpc' }]),
    });
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ logGroup: '/vigil/vpc-flow', events: lines.length, rejected: 0 });
    const anomalies = out.result!.anomalies as { entity: { id: string } }[];
    expect(anomalies.some((a) => a.entity.id === '198.51.100.77')).toBe(true);
  });

  it('the API handler refuses to start without DATABASE_URL, naming it', () => {
    const { dir } = unpacked.get('vigil-api')!;
    const out = invoke(tmp, dir, 'vigil-api', httpApiGet('/healthz'), {});
    expect(out.error).toMatch(/DATABASE_URL/);
  });

  it('the API handler answers /healthz and /readyz through API Gateway v2 on PostgreSQL', async () => {
    const pg = (await dbBackends()).find((b) => b.name === 'postgres');
    if (!pg) {
      console.warn('lambda test: TEST_DATABASE_URL is not set: the API zip is not run against PostgreSQL here');
      return;
    }
    const t: TestDb = await pg.open({ migrate: false });
    try {
      const { dir } = unpacked.get('vigil-api')!;
      const env = { DATABASE_URL: t.url!, VIGIL_LOG_LEVEL: 'warn' };
      const health = invoke(tmp, dir, 'vigil-api', httpApiGet('/healthz'), env);
      expect(health.error).toBeUndefined();
      expect(health.result).toMatchObject({ statusCode: 200 });
      const ready = invoke(tmp, dir, 'vigil-api', httpApiGet('/readyz'), env);
      expect(JSON.parse(String(ready.result?.body))).toMatchObject({ status: 'ready' });
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
