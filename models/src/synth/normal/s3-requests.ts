import type { SlotCtx } from '../engine/types.ts';
import { type S3Request, s3Record } from '../format/s3.ts';
import type { Rng } from '../rng.ts';
import { isoSeconds } from '../time.ts';
import type { Bucket, World } from '../world/index.ts';

/** Request shapes the S3 generators (normal and injected) share. */

export const S3_AGENTS = {
  cloudfront: 'Amazon CloudFront',
  java: 'aws-sdk-java/2.29.43 Linux/6.8.0-1021-aws OpenJDK_64-Bit_Server_VM/21.0.5+11-Ubuntu-1ubuntu124.04 Java/21.0.5 vendor/Ubuntu io/sync http/Apache cfg/retry-mode/legacy',
  lambdaPy:
    'Boto3/1.35.81 md/Botocore#1.35.81 ua/2.0 os/linux#5.10.230-244.908.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.81',
  athena: 'athena.amazonaws.com',
  elb: 'aws-internal/3 aws-sdk-java/1.12.770 Linux/5.10.228-219.884.amzn2int.x86_64',
};

export type S3Draft = Omit<S3Request, 'region' | 'bucket' | 'ts' | 'totalMs'> & { totalMs?: number };

export function pushS3(ctx: SlotCtx, bucket: string, ts: number, d: S3Draft, label?: string): void {
  const size = d.bytesSent ?? d.objectSize ?? 0;
  const totalMs = d.totalMs ?? Math.max(1, Math.round(ctx.rng.logNormal(18, 0.6) + size / 4_000_000));
  const req: S3Request = {
    ...d,
    bucket,
    ts,
    totalMs,
    turnaroundMs: d.turnaroundMs ?? Math.max(1, Math.round(totalMs * ctx.rng.range(0.3, 0.9))),
    region: ctx.world.region,
  };
  ctx.sink.push(s3Record(ctx.world.canonicalOwner, req, ctx.rng, label));
}

export function objectGet(
  r: Rng,
  key: string,
  ip: string,
  requester: string | undefined,
  ua: string,
  size: number,
  status = 200,
): S3Draft {
  const ok = status < 300;
  return {
    ip,
    requester,
    operation: 'REST.GET.OBJECT',
    key,
    method: 'GET',
    status,
    errorCode: status === 403 ? 'AccessDenied' : status === 404 ? 'NoSuchKey' : undefined,
    bytesSent: ok ? size : status === 304 ? undefined : 243,
    objectSize: ok || status === 304 ? size : undefined,
    userAgent: ua,
    versionId: undefined,
    authType: r.chance(0.03) && requester ? 'QueryString' : undefined,
  };
}

export function objectPut(key: string, ip: string, requester: string, ua: string, size: number): S3Draft {
  return {
    ip,
    requester,
    operation: 'REST.PUT.OBJECT',
    key,
    method: 'PUT',
    status: 200,
    objectSize: size,
    userAgent: ua,
  };
}

export function listBucket(ip: string, requester: string, ua: string, prefix: string, status = 200): S3Draft {
  return {
    ip,
    requester,
    operation: 'REST.GET.BUCKET',
    method: 'GET',
    query: `list-type=2&prefix=${encodeURIComponent(prefix)}&encoding-type=url`,
    status,
    errorCode: status === 403 ? 'AccessDenied' : undefined,
    bytesSent: status === 200 ? 4200 : 243,
    userAgent: ua,
  };
}

/** `2025/03/01`: the date part of object keys. */
export const day = (t: number) => isoSeconds(t).slice(0, 10).replaceAll('-', '/');

export function bucketOf(world: World, kind: Bucket['kind']): Bucket | undefined {
  return world.buckets.find((b) => b.kind === kind);
}
