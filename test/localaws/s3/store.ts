import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AwsError } from '../core/errors.ts';
import type { Clock } from '../core/types.ts';
import { type ChecksumAlgorithm, md5, sha256Hex } from './checksums.ts';

export interface S3Object {
  key: string;
  body: Buffer;
  /** Quoted hex MD5, as S3 sends it. */
  etag: string;
  lastModified: number;
  contentType: string;
  /** Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires as sent. */
  headers: Record<string, string>;
  /** User metadata without the `x-amz-meta-` prefix, names lower-cased. */
  metadata: Record<string, string>;
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

export interface Bucket {
  name: string;
  creationDate: number;
  objects: Map<string, S3Object>;
  /** Keys in S3 order (UTF-8 byte order, which equals code-point order). */
  sortedKeys: string[];
}

// 3-63 chars of a-z 0-9 . -, starting and ending with a letter or digit; also never `.`/`..`, so safe as a dir name.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function validBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

/** Compare by Unicode code point (UTF-16 order differs only between surrogates and U+E000..U+FFFF). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate pair encodes a code point above U+FFFF
    return x - y;
  }
  return a.length - b.length;
}

/**
 * S3 buckets and objects, in memory and, with a dataDir, on disk. Object keys are attacker-controlled, so a
 * key never becomes a path: each object is stored as `<sha256(key)>.bin` + `.json` (which records the key).
 */
export class S3State {
  readonly buckets = new Map<string, Bucket>();
  private readonly root: string | undefined;

  constructor(
    readonly clock: Clock,
    dataDir?: string,
  ) {
    this.root = dataDir === undefined ? undefined : path.resolve(dataDir, 's3');
    if (this.root) {
      mkdirSync(this.root, { recursive: true });
      this.load(this.root);
    }
  }

  createBucket(name: string): Bucket {
    if (!validBucketName(name))
      throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
    const existing = this.buckets.get(name);
    if (existing) return existing;
    const bucket: Bucket = { name, creationDate: this.clock.now(), objects: new Map(), sortedKeys: [] };
    this.buckets.set(name, bucket);
    if (this.root) {
      mkdirSync(this.objectsDir(name), { recursive: true });
      atomicWrite(
        path.join(this.bucketDir(name), 'bucket.json'),
        JSON.stringify({ creationDate: bucket.creationDate }),
      );
    }
    return bucket;
  }

  requireBucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
    return bucket;
  }

  deleteBucket(name: string): void {
    const bucket = this.requireBucket(name);
    if (bucket.objects.size > 0) {
      throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: name });
    }
    this.buckets.delete(name);
    if (this.root) rmSync(this.bucketDir(name), { recursive: true, force: true });
  }

  /** Store an object (HTTP PutObject and test/demo seeding both come here). */
  putObject(
    bucketName: string,
    key: string,
    body: Buffer | string,
    opts: Partial<Pick<S3Object, 'contentType' | 'headers' | 'metadata' | 'checksum'>> = {},
  ): S3Object {
    const bucket = this.requireBucket(bucketName);
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const obj: S3Object = {
      key,
      body: data,
      etag: `"${md5(data).toString('hex')}"`,
      lastModified: this.clock.now(),
      contentType: opts.contentType ?? 'binary/octet-stream',
      headers: opts.headers ?? {},
      metadata: opts.metadata ?? {},
      checksum: opts.checksum,
    };
    if (!bucket.objects.has(key)) insertSorted(bucket.sortedKeys, key);
    bucket.objects.set(key, obj);
    if (this.root) this.persist(bucketName, obj);
    return obj;
  }

  getObject(bucketName: string, key: string): S3Object | undefined {
    return this.requireBucket(bucketName).objects.get(key);
  }

  deleteObject(bucketName: string, key: string): void {
    const bucket = this.requireBucket(bucketName);
    if (!bucket.objects.delete(key)) return;
    bucket.sortedKeys.splice(lowerBoundKey(bucket.sortedKeys, key), 1);
    if (this.root) {
      const base = this.objectPath(bucketName, key);
      rmSync(`${base}.bin`, { force: true });
      rmSync(`${base}.json`, { force: true });
    }
  }

  private bucketDir(name: string): string {
    return path.join(this.root!, name);
  }

  private objectsDir(name: string): string {
    return path.join(this.bucketDir(name), 'objects');
  }

  /** The on-disk base path of a key; the hash makes it a fixed-length hex name whatever the key holds. */
  objectPath(bucketName: string, key: string): string {
    const dir = this.objectsDir(bucketName);
    const file = path.join(dir, sha256Hex(key));
    if (path.dirname(file) !== dir) throw new Error('object path escaped its bucket directory');
    return file;
  }

  private persist(bucketName: string, obj: S3Object): void {
    const base = this.objectPath(bucketName, obj.key);
    atomicWrite(`${base}.bin`, obj.body);
    const { body: _body, ...meta } = obj;
    atomicWrite(`${base}.json`, JSON.stringify(meta));
  }

  private load(root: string): void {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !validBucketName(entry.name)) continue;
      let creationDate = this.clock.now();
      try {
        creationDate = JSON.parse(readFileSync(path.join(root, entry.name, 'bucket.json'), 'utf8')).creationDate;
      } catch {
        // a bucket directory without bucket.json still holds objects; keep them
      }
      const bucket: Bucket = { name: entry.name, creationDate, objects: new Map(), sortedKeys: [] };
      this.buckets.set(entry.name, bucket);
      this.loadObjects(bucket);
    }
  }

  private loadObjects(bucket: Bucket): void {
    const dir = this.objectsDir(bucket.name);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
    } catch {
      return;
    }
    for (const file of files) {
      const meta = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Omit<S3Object, 'body'>;
      // A metadata file whose key does not hash to its name was not written by us: skip it.
      if (typeof meta.key !== 'string' || `${sha256Hex(meta.key)}.json` !== file) continue;
      const body = readFileSync(path.join(dir, file.replace(/\.json$/, '.bin')));
      bucket.objects.set(meta.key, { ...meta, body });
      bucket.sortedKeys.push(meta.key);
    }
    bucket.sortedKeys.sort(compareKeys);
  }
}

function atomicWrite(file: string, data: Buffer | string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export function lowerBoundKey(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(keys: string[], key: string): void {
  keys.splice(lowerBoundKey(keys, key), 0, key);
}
