import type { Incident, Injector, PlanCtx } from '../engine/types.ts';
import { listBucket, objectGet, pushS3, type S3Draft } from '../normal/s3.ts';
import { DAY, HOUR, MINUTE } from '../time.ts';
import type { Bucket, User } from '../world/index.ts';
import { freshIp, IncidentBuilder, sized, warps, windowAt } from './kit.ts';

const CURL = 'curl/8.5.0';
const PY = 'python-requests/2.31.0';
const RCLONE = 'rclone/v1.66.0';

function bucketOf(ctx: PlanCtx, kinds: Bucket['kind'][]): Bucket {
  const list = ctx.world.buckets.filter((b) => kinds.includes(b.kind));
  return ctx.rng.pick(list.length ? list : ctx.world.buckets);
}

function insider(ctx: PlanCtx): User {
  const humans = ctx.world.users.filter((u) => u.human);
  return ctx.rng.pick(humans.length ? humans : ctx.world.users);
}

const shard = (n: number) => `pii/customers/shard-${String(n % 64).padStart(5, '0')}.json.gz`;

/** One principal pulling sensitive objects again and again (exfiltration of customer data). */
function planSensitiveDownload(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const bucket = bucketOf(ctx, ['sensitive']);
  const user = insider(ctx);
  const ip = slow ? user.ips[0] : freshIp(ctx);
  const principal = user.identity.arn;
  const units = slow ? sized(ctx, 6, 18, 5) : sized(ctx, 12, 60, 8);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(1, 4) * DAY : ctx.rng.range(10, 90) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    's3',
    { kind: 'bucket_principal', id: `${bucket.name}|${principal}` },
    start,
    end,
    `${user.name} downloading ${units} customer files from ${bucket.name}`,
    {
      bucket: bucket.name,
      principal,
      ip,
    },
  );
  const ua = slow ? user.userAgent : ctx.rng.pick([RCLONE, user.userAgent]);
  b.stream({
    label,
    source: 's3',
    units: 1,
    linesPerUnit: 1,
    start,
    end: start + 2000,
    unit: (t, c) => pushS3(c, bucket.name, t, listBucket(ip, principal, ua, 'pii/customers/'), label),
  });
  b.stream({
    label,
    source: 's3',
    units,
    linesPerUnit: 1,
    start: start + 5000,
    end,
    warp: slow ? warps.uniform : warps.burst,
    unit: (t, c, i) => {
      const key = c.rng.chance(0.8) ? shard(i * 7) : `exports/finance/orders_full_${i}.csv.gz`;
      pushS3(c, bucket.name, t, objectGet(c.rng, key, ip, principal, ua, c.rng.int(4, 60) * 1_000_000), label);
    },
  });
  return b.build('s3_sensitive_download', start, end);
}

/** A burst of AccessDenied: an outsider probing keys anonymously, or a key used outside its permissions. */
function planUnauthorizedBurst(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const bucket = bucketOf(ctx, ['sensitive', 'backups', 'lake']);
  const anonymous = ctx.rng.chance(0.5);
  const user = insider(ctx);
  const principal = anonymous ? undefined : user.identity.arn;
  const ip = freshIp(ctx);
  const units = slow ? sized(ctx, 5, 12, 4) : sized(ctx, 12, 72, 6);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(6, 24) * HOUR : ctx.rng.range(5, 30) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const who = principal ?? '-';
  const label = b.label(
    's3',
    { kind: 'bucket_principal', id: `${bucket.name}|${who}` },
    start,
    end,
    `${units} denied requests to ${bucket.name} from ${ip}${anonymous ? ' (anonymous)' : ` as ${user.name}`}`,
    {
      bucket: bucket.name,
      principal: who,
      ip,
    },
  );
  const ua = anonymous ? ctx.rng.pick([CURL, PY]) : user.userAgent;
  b.stream({
    label,
    source: 's3',
    units,
    linesPerUnit: 1,
    start,
    end,
    warp: slow ? warps.uniform : warps.burst,
    unit: (t, c, i) => {
      const kind = i % 4;
      const guess = c.rng.pick([
        'backup.sql',
        '.env',
        'config.json',
        'db.dump',
        'credentials.csv',
        'users.csv',
        `${bucket.prefixes[0]}index.json`,
      ]);
      const draft: S3Draft =
        kind === 0
          ? listBucket(ip, principal as string, ua, '', 403)
          : kind === 3
            ? {
                ip,
                requester: principal,
                operation: 'REST.PUT.OBJECT',
                key: `upload-test-${c.rng.hex(6)}.txt`,
                method: 'PUT',
                status: 403,
                errorCode: 'AccessDenied',
                bytesSent: 243,
                userAgent: ua,
              }
            : objectGet(c.rng, guess, ip, principal, ua, 0, 403);
      if (kind === 0 && principal === undefined) draft.requester = undefined;
      pushS3(c, bucket.name, t, draft, label);
    },
  });
  return b.build('s3_unauthorized_burst', start, end);
}

/** Objects deleted one by one or through DeleteObjects batches (ransom wipe, a script gone wrong). */
function planMassDelete(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const bucket = bucketOf(ctx, ['lake', 'backups', 'sensitive']);
  const actors = ctx.world.users.filter(
    (u) => u.role === 'developer' || u.role === 'data_engineer' || u.role === 'ci_bot',
  );
  const user = ctx.rng.pick(actors.length ? actors : ctx.world.users);
  const ip = slow ? user.ips[0] : freshIp(ctx);
  const principal = user.identity.arn;
  const units = slow ? sized(ctx, 9, 24, 6) : sized(ctx, 15, 90, 10);
  const batched = !slow && ctx.rng.chance(0.5);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(12, 48) * HOUR : ctx.rng.range(5, 30) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    's3',
    { kind: 'bucket_principal', id: `${bucket.name}|${principal}` },
    start,
    end,
    `${units} objects deleted from ${bucket.name} by ${user.name}`,
    {
      bucket: bucket.name,
      principal,
      ip,
    },
  );
  const prefix = bucket.prefixes[ctx.rng.int(0, bucket.prefixes.length - 1)];
  b.stream({
    label,
    source: 's3',
    units,
    linesPerUnit: 1,
    start,
    end,
    warp: slow ? warps.uniform : warps.decay,
    unit: (t, c, i) => {
      const key = `${prefix}${String(i).padStart(6, '0')}-${c.rng.hex(6)}.parquet`;
      if (batched && i % 50 === 0) {
        pushS3(
          c,
          bucket.name,
          t,
          {
            ip,
            requester: principal,
            operation: 'REST.POST.MULTI_OBJECT_DELETE',
            method: 'POST',
            query: 'delete',
            status: 200,
            bytesSent: 5200,
            userAgent: user.userAgent,
          },
          label,
        );
        return;
      }
      pushS3(
        c,
        bucket.name,
        t,
        {
          ip,
          requester: principal,
          operation: batched ? 'BATCH.DELETE.OBJECT' : 'REST.DELETE.OBJECT',
          key,
          method: batched ? 'POST' : 'DELETE',
          query: batched ? 'delete' : undefined,
          status: 204,
          userAgent: user.userAgent,
        },
        label,
      );
    },
  });
  return b.build('s3_mass_delete', start, end);
}

export const s3Injector: Injector = {
  types: ['s3_sensitive_download', 's3_unauthorized_burst', 's3_mass_delete'],
  lowAndSlow: ['s3_sensitive_download', 's3_unauthorized_burst', 's3_mass_delete'],
  plan(ctx) {
    if (ctx.type === 's3_sensitive_download') return planSensitiveDownload(ctx);
    if (ctx.type === 's3_unauthorized_burst') return planUnauthorizedBurst(ctx);
    return planMassDelete(ctx);
  },
};
