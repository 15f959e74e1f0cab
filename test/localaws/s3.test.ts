import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from './local-aws.ts';
import { clientConfig } from './testing.ts';

let dataDir: string;
let aws: LocalAws;
let s3: S3Client;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'localaws-s3-'));
  aws = await startLocalAws({ services: ['s3'], dataDir });
  s3 = new S3Client({ ...clientConfig(aws), forcePathStyle: true, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'vigil-logs' }));
});
afterAll(async () => {
  s3.destroy();
  await aws.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<S3ServiceException> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: S3ServiceException) => err,
  );
}

const get = async (Key: string, Bucket = 'vigil-logs') =>
  (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

describe('objects', () => {
  it('puts and gets bodies, with ETag = quoted MD5 and the CRC32 checksum the SDK sends', async () => {
    const body = 'vpc flow log line\n';
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'a.txt', Body: body, ContentType: 'text/plain' }),
    );
    expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    expect(put.ChecksumCRC32).toBeDefined();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'vigil-logs', Key: 'a.txt', ChecksumMode: 'ENABLED' }));
    expect(got.ContentType).toBe('text/plain');
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
    expect(await got.Body!.transformToString()).toBe(body);
  });

  it('decodes the aws-chunked body the SDK sends for a stream of known length', async () => {
    const parts = [Buffer.from('2025-01-01 line one\n'), Buffer.from('2025-01-01 line two\n')];
    await s3.send(
      new PutObjectCommand({
        Bucket: 'vigil-logs',
        Key: 'streamed.log',
        Body: Readable.from(parts),
        ContentLength: 40,
      }),
    );
    expect(aws.state.s3.getObject('vigil-logs', 'streamed.log')!.body.toString()).toBe(Buffer.concat(parts).toString());
    expect(aws.state.s3.getObject('vigil-logs', 'streamed.log')!.headers['content-encoding']).toBeUndefined();
  });

  it('accepts signed aws-chunked uploads (other SDKs and the CLI send them) and checks the decoded length', async () => {
    const sig = 'b'.repeat(64);
    const body = `5;chunk-signature=${sig}\r\nhello\r\n0;chunk-signature=${sig}\r\n\r\n`;
    const headers = {
      authorization: `AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
      'x-amz-date': '20250101T000000Z',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '5',
    };
    const ok = await fetch(`${aws.endpoint}/vigil-logs/signed.txt`, { method: 'PUT', headers, body });
    expect(ok.status).toBe(200);
    expect(await get('signed.txt')).toBe('hello');
    const short = await fetch(`${aws.endpoint}/vigil-logs/signed.txt`, {
      method: 'PUT',
      headers: { ...headers, 'x-amz-decoded-content-length': '6' },
      body,
    });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('<Code>IncompleteBody</Code>');
  });

  it('takes multi-megabyte bodies (Expect: 100-continue) and refuses bodies over the configured cap', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'big.bin', Body: big }));
    expect(aws.state.s3.getObject('vigil-logs', 'big.bin')!.body.equals(big)).toBe(true);
    const small = await startLocalAws({ services: ['s3'], s3: { maxObjectBytes: 1024 } });
    const client = new S3Client({ ...clientConfig(small), forcePathStyle: true, maxAttempts: 1 });
    try {
      small.state.s3.createBucket('capped');
      const err = await rejection(
        client.send(new PutObjectCommand({ Bucket: 'capped', Key: 'k', Body: Buffer.alloc(2048) })),
      );
      expect(err.name).toBe('EntityTooLarge');
    } finally {
      client.destroy();
      await small.close();
    }
  });

  it('honours If-None-Match: * for create-only writes', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'once.txt', Body: '1', IfNoneMatch: '*' }));
    const err = await rejection(
      s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'once.txt', Body: '2', IfNoneMatch: '*' })),
    );
    expect(err.name).toBe('PreconditionFailed');
    expect(err.$metadata.httpStatusCode).toBe(412);
    expect(await get('once.txt')).toBe('1');
  });

  it('checks Content-MD5 and refuses a mismatch with BadDigest', async () => {
    const good = createHash('md5').update('abc').digest('base64');
    await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'md5.txt', Body: 'abc', ContentMD5: good }));
    const wrong = createHash('md5').update('abd').digest('base64');
    const err = await rejection(
      s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'md5.txt', Body: 'abc', ContentMD5: wrong })),
    );
    expect(err.name).toBe('BadDigest');
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('verifies a supplied checksum and refuses a wrong one with BadDigest', async () => {
    const err = await rejection(
      s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'crc.txt', Body: 'abc', ChecksumCRC32: 'AAAAAA==' })),
    );
    expect(err.name).toBe('BadDigest');
    expect(err.message).toContain('CRC32');
    const sha = createHash('sha256').update('abc').digest('base64');
    const ok = await s3.send(
      new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'crc.txt', Body: 'abc', ChecksumSHA256: sha }),
    );
    expect(ok.ChecksumSHA256).toBe(sha);
  });

  it('returns the stored checksum so the SDK detects a corrupted object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'corrupt.bin', Body: 'original' }));
    aws.state.s3.getObject('vigil-logs', 'corrupt.bin')!.body = Buffer.from('tampered');
    const res = await s3.send(
      new GetObjectCommand({ Bucket: 'vigil-logs', Key: 'corrupt.bin', ChecksumMode: 'ENABLED' }),
    );
    await expect(res.Body!.transformToString()).rejects.toThrow(/checksum/i);
  });

  it('serves byte ranges with 206 and Content-Range', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'range.txt', Body: '0123456789' }));
    const res = await s3.send(new GetObjectCommand({ Bucket: 'vigil-logs', Key: 'range.txt', Range: 'bytes=2-4' }));
    expect(res.$metadata.httpStatusCode).toBe(206);
    expect(res.ContentRange).toBe('bytes 2-4/10');
    expect(await res.Body!.transformToString()).toBe('234');
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'vigil-logs', Key: 'range.txt', Range: 'bytes=-3' }));
    expect(await tail.Body!.transformToString()).toBe('789');
    const err = await rejection(
      s3.send(new GetObjectCommand({ Bucket: 'vigil-logs', Key: 'range.txt', Range: 'bytes=10-' })),
    );
    expect(err.name).toBe('InvalidRange');
    expect(err.$metadata.httpStatusCode).toBe(416);
  });

  it('maps missing keys and buckets to the SDK error classes', async () => {
    const key = await rejection(s3.send(new GetObjectCommand({ Bucket: 'vigil-logs', Key: 'missing' })));
    expect(key).toBeInstanceOf(NoSuchKey);
    expect(key.name).toBe('NoSuchKey');
    expect(key.$metadata.httpStatusCode).toBe(404);
    const bucket = await rejection(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })));
    expect(bucket).toBeInstanceOf(NoSuchBucket);
    const head = await rejection(s3.send(new HeadObjectCommand({ Bucket: 'vigil-logs', Key: 'missing' })));
    expect(head.name).toBe('NotFound'); // HEAD errors have no body, exactly as with S3
    expect(head.$metadata.httpStatusCode).toBe(404);
  });

  it('deletes idempotently', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: 'gone.txt', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'vigil-logs', Key: 'gone.txt' }));
    const again = await s3.send(new DeleteObjectCommand({ Bucket: 'vigil-logs', Key: 'gone.txt' }));
    expect(again.$metadata.httpStatusCode).toBe(204);
    expect(await rejection(get('gone.txt'))).toBeInstanceOf(NoSuchKey);
  });

  it('round-trips keys with spaces, plus signs, percent, XML metacharacters and non-ASCII', async () => {
    const key = 'odd/a b+c%20&<d>"\'é☃.txt';
    await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key: key, Body: 'odd' }));
    expect(await get(key)).toBe('odd');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'vigil-logs', Prefix: 'odd/' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual([key]);
  });
});

describe('buckets', () => {
  it('answers 200 to a repeated CreateBucket in us-east-1 and BucketAlreadyOwnedByYou (409) elsewhere', async () => {
    const again = await s3.send(new CreateBucketCommand({ Bucket: 'vigil-logs' }));
    expect(again.$metadata.httpStatusCode).toBe(200);
    const eu = new S3Client({ ...clientConfig(aws, 'eu-west-1'), forcePathStyle: true, maxAttempts: 1 });
    try {
      const err = await rejection(
        eu.send(
          new CreateBucketCommand({
            Bucket: 'vigil-logs',
            CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
          }),
        ),
      );
      expect(err.name).toBe('BucketAlreadyOwnedByYou');
      expect(err.$metadata.httpStatusCode).toBe(409);
    } finally {
      eu.destroy();
    }
    const invalid = await rejection(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })));
    expect(invalid.name).toBe('InvalidBucketName');
  });
});

describe('ListObjectsV2', () => {
  const keys: string[] = [];
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vigil-list' }));
    for (const day of ['01', '02', '03']) {
      for (let i = 0; i < 7; i++)
        keys.push(`AWSLogs/123456789012/vpcflowlogs/us-east-1/2025/01/${day}/flow-${i}.log.gz`);
    }
    keys.push('AWSLogs/readme.txt', 'other/x');
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'vigil-list', Key, Body: Key }));
  });

  it('pages with continuation tokens: every key once, in order', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 4 },
      { Bucket: 'vigil-list', Prefix: 'AWSLogs/' },
    )) {
      pages++;
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
    }
    const expected = keys.filter((k) => k.startsWith('AWSLogs/')).sort();
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 4));
  });

  it('groups by delimiter into CommonPrefixes, which count toward MaxKeys and paginate too', async () => {
    const prefixes: string[] = [];
    const files: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 2 },
      { Bucket: 'vigil-list', Prefix: 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2025/01/', Delimiter: '/' },
    )) {
      prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      files.push(...(page.Contents ?? []).map((c) => c.Key!));
    }
    const root = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2025/01/';
    expect(prefixes).toEqual([`${root}01/`, `${root}02/`, `${root}03/`]);
    expect(files).toEqual([]);
  });

  it('honours StartAfter and reports sizes', async () => {
    const out = await s3.send(
      new ListObjectsV2Command({ Bucket: 'vigil-list', Prefix: 'AWSLogs/1', StartAfter: keys[19], MaxKeys: 100 }),
    );
    expect(out.Contents!.map((c) => c.Key)).toEqual([keys[20]]);
    expect(out.Contents![0].Size).toBe(Buffer.byteLength(keys[20]));
    expect(out.IsTruncated).toBe(false);
  });
});

describe('keys are attacker-controlled', () => {
  it('stores ../../etc/passwd-style keys inside dataDir and serves them back after a restart', async () => {
    const evil = [
      '../../etc/passwd',
      '..\\..\\windows\\win.ini',
      '/abs/path',
      'a/../../../../tmp/x',
      '%2e%2e/%2e%2e/y',
    ];
    for (const Key of evil) await s3.send(new PutObjectCommand({ Bucket: 'vigil-logs', Key, Body: `body of ${Key}` }));
    const files = walk(dataDir);
    for (const f of files) {
      expect(path.relative(dataDir, f).startsWith('..')).toBe(false);
      expect(path.basename(f)).toMatch(/^([0-9a-f]{64}\.(bin|json)|bucket\.json)$/);
    }
    expect(existsSync(path.resolve(dataDir, '../../etc/passwd.bin'))).toBe(false);

    const restarted = await startLocalAws({ services: ['s3'], dataDir });
    const client = new S3Client({ ...clientConfig(restarted), forcePathStyle: true, maxAttempts: 1 });
    try {
      for (const Key of evil) {
        const res = await client.send(new GetObjectCommand({ Bucket: 'vigil-logs', Key }));
        expect(await res.Body!.transformToString()).toBe(`body of ${Key}`);
      }
    } finally {
      client.destroy();
      await restarted.close();
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
