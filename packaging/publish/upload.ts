import { createReadStream } from 'node:fs';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PackageFile } from './package-dir.ts';

export interface UploadResult {
  name: string;
  key: string;
  bytes: number;
  action: 'uploaded' | 'unchanged';
}

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/**
 * Puts each zip under prefix with its SHA-256 as the S3 checksum (S3 rejects a body that does not match), and
 * skips an object that already holds the same checksum, so re-running a publish uploads nothing.
 */
export async function uploadFiles(
  s3: S3Client,
  bucket: string,
  prefix: string,
  files: PackageFile[],
): Promise<UploadResult[]> {
  const out: UploadResult[] = [];
  for (const f of files) {
    const key = `${prefix}${f.name}`;
    const checksum = hexToBase64(f.sha256);
    if ((await existingChecksum(s3, bucket, key)) === checksum) {
      out.push({ name: f.name, key, bytes: f.bytes, action: 'unchanged' });
      continue;
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(f.path),
        ContentLength: f.bytes,
        ContentType: 'application/zip',
        ChecksumSHA256: checksum,
      }),
    );
    out.push({ name: f.name, key, bytes: f.bytes, action: 'uploaded' });
  }
  return out;
}

async function existingChecksum(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
    return head.ChecksumSHA256;
  } catch (err) {
    if ((err as Error).name === 'NotFound' || (err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
}
