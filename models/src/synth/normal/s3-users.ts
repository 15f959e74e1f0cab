import { dailyWindow, humanWeight } from '../activity.ts';
import type { Actor, SlotCtx } from '../engine/types.ts';
import type { User, World } from '../world/index.ts';
import { bucketOf, day, listBucket, objectGet, objectPut, pushS3, S3_AGENTS } from './s3-requests.ts';

/** What each role does in S3 during its working (or batch) hours. */
export function userActor(world: World, u: User): Actor | undefined {
  const lake = bucketOf(world, 'lake')?.name;
  const data = bucketOf(world, 'sensitive')?.name;
  const logs = bucketOf(world, 'logs')?.name;
  const backups = bucketOf(world, 'backups')?.name;
  const arn = u.identity.arn;
  const ip = (t: number) => u.ips[Math.floor(t / 86_400_000) % u.ips.length];
  const batchIp = world.hosts.find((h) => h.role === 'batch')?.privateIp ?? ip(0);
  const plans: Partial<Record<User['role'], { w: (t: number) => number; emit: (t: number, ctx: SlotCtx) => void }>> = {
    data_analyst: {
      w: (t) => humanWeight(u, t) * 1.2,
      emit: (t, ctx) => {
        const r = ctx.rng;
        if (r.chance(0.3)) pushS3(ctx, lake!, t, listBucket(ip(t), arn, S3_AGENTS.athena, 'curated/orders/'));
        else
          pushS3(
            ctx,
            lake!,
            t,
            objectGet(
              r,
              `curated/orders/${day(t - 86_400_000)}/part-${r.int(0, 63).toString().padStart(5, '0')}.parquet`,
              ip(t),
              arn,
              S3_AGENTS.athena,
              r.int(2, 60) * 1_000_000,
            ),
          );
      },
    },
    data_engineer: {
      w: (t) => humanWeight(u, t) * 1.1,
      emit: (t, ctx) => {
        const r = ctx.rng;
        if (r.chance(0.04))
          pushS3(
            ctx,
            data!,
            t,
            objectGet(
              r,
              `exports/finance/orders_${day(t).replaceAll('/', '-')}.csv.gz`,
              ip(t),
              arn,
              u.userAgent,
              r.int(5, 40) * 1_000_000,
            ),
          );
        else if (r.chance(0.4))
          pushS3(
            ctx,
            lake!,
            t,
            objectPut(`raw/orders/${day(t)}/manual-${r.hex(8)}.json`, ip(t), arn, u.userAgent, r.int(10, 900) * 1000),
          );
        else pushS3(ctx, lake!, t, listBucket(ip(t), arn, u.userAgent, 'raw/orders/'));
      },
    },
    etl_service: {
      w: (t) => dailyWindow(t, 1, 4) * 3,
      emit: (t, ctx) => {
        const r = ctx.rng;
        const k = r.int(0, 63).toString().padStart(5, '0');
        if (r.chance(0.15))
          pushS3(
            ctx,
            data!,
            t,
            objectGet(r, `pii/customers/shard-${k}.json.gz`, batchIp, arn, u.userAgent, r.int(1, 8) * 1_000_000),
          );
        else if (r.chance(0.5))
          pushS3(
            ctx,
            lake!,
            t,
            objectGet(
              r,
              `raw/orders/${day(t - 86_400_000)}/part-${k}.json.gz`,
              batchIp,
              arn,
              u.userAgent,
              r.int(20, 120) * 1_000_000,
            ),
          );
        else
          pushS3(
            ctx,
            lake!,
            t,
            objectPut(
              `curated/orders/${day(t - 86_400_000)}/part-${k}.parquet`,
              batchIp,
              arn,
              u.userAgent,
              r.int(10, 80) * 1_000_000,
            ),
          );
      },
    },
    backup_service: {
      w: (t) => dailyWindow(t, 3, 4) * 3,
      emit: (t, ctx) => {
        const dbIp = world.hosts.find((h) => h.role === 'db')?.privateIp ?? ip(t);
        const key = `postgres/daily/${day(t)}/orders.dump`;
        pushS3(ctx, backups!, t, {
          ip: dbIp,
          requester: arn,
          operation: 'REST.PUT.PART',
          key,
          method: 'PUT',
          query: `partNumber=${ctx.rng.int(1, 400)}&uploadId=${ctx.rng.base64(40)}`,
          status: 200,
          objectSize: 16_777_216,
          userAgent: u.userAgent,
        });
      },
    },
    sre: {
      w: (t) => humanWeight(u, t) * 0.3,
      emit: (t, ctx) =>
        pushS3(ctx, logs!, t, listBucket(ip(t), arn, u.userAgent, `AWSLogs/${world.account}/elasticloadbalancing/`)),
    },
    developer: {
      w: (t) => humanWeight(u, t) * 0.25,
      emit: (t, ctx) => {
        const r = ctx.rng;
        if (r.chance(0.08))
          pushS3(
            ctx,
            data!,
            t,
            objectGet(
              r,
              `pii/customers/shard-${r.int(0, 63).toString().padStart(5, '0')}.json.gz`,
              ip(t),
              arn,
              u.userAgent,
              0,
              403,
            ),
          );
        else
          pushS3(
            ctx,
            lake!,
            t,
            objectGet(
              r,
              `curated/sessions/${day(t - 86_400_000)}/sample.parquet`,
              ip(t),
              arn,
              u.userAgent,
              r.int(1, 20) * 1_000_000,
            ),
          );
      },
    },
    security_auditor: {
      w: (t) => humanWeight(u, t) * 0.2,
      emit: (t, ctx) => {
        const b = ctx.rng.pick(world.buckets).name;
        const op = ctx.rng.pick(['BUCKETPOLICY', 'ACL', 'ENCRYPTION', 'VERSIONING', 'LOGGING_STATUS']);
        pushS3(ctx, b, t, {
          ip: ip(t),
          requester: arn,
          operation: `REST.GET.${op}`,
          method: 'GET',
          query: op.toLowerCase().replace('bucket', '').replace('_status', ''),
          status: 200,
          bytesSent: 320,
          userAgent: u.userAgent,
        });
      },
    },
  };
  const plan = plans[u.role];
  if (!plan || !lake || !data || !logs || !backups) return undefined;
  return {
    weight: plan.w,
    emit: (t, _max, ctx) => {
      plan.emit(Math.floor(t), ctx);
      return 1;
    },
  };
}

/** Service traffic: CDN fetches, the API writing invoices, image-resize, CI asset uploads, ALB log delivery. */
