import { customerWeight, deployActivity } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, NormalSource, SlotCtx } from '../engine/types.ts';
import { isoSeconds } from '../time.ts';
import type { World } from '../world/index.ts';
import { bucketOf, day, objectGet, objectPut, pushS3, S3_AGENTS } from './s3-requests.ts';
import { userActor } from './s3-users.ts';

export { listBucket, objectGet, objectPut, pushS3, S3_AGENTS, type S3Draft } from './s3-requests.ts';

function serviceActors(world: World): Actor[] {
  const assets = bucketOf(world, 'assets')?.name;
  const data = bucketOf(world, 'sensitive')?.name;
  const logs = bucketOf(world, 'logs')?.name;
  if (!assets || !data || !logs) return [];
  const api = world.hosts.find((h) => h.role === 'api');
  const apiArn = `arn:aws:sts::${world.account}:assumed-role/api-instance-role/${api?.instanceId ?? 'i-0api'}`;
  const resizeArn = `arn:aws:sts::${world.account}:assumed-role/image-resize-role/image-resize`;
  const ci = world.users.find((u) => u.role === 'ci_bot');
  const one = (w: (t: number) => number, f: (t: number, ctx: SlotCtx) => void): Actor => ({
    weight: w,
    emit: (t, _m, ctx) => {
      f(Math.floor(t), ctx);
      return 1;
    },
  });
  return [
    one(
      (t) => customerWeight(world, t) * 4,
      (t, ctx) => {
        const r = ctx.rng;
        const key = r.chance(0.3)
          ? `static/js/app.${(world.deploys.length + Math.floor(t / 86_400_000)).toString(16)}.js`
          : `img/products/sku-${r.int(1000, 9999)}.jpg`;
        const status = r.weighted([90, 8, 1.5, 0.5]);
        pushS3(
          ctx,
          assets,
          t,
          objectGet(
            r,
            key,
            r.pick(world.pools.cdn),
            undefined,
            S3_AGENTS.cloudfront,
            r.int(8, 400) * 1000,
            [200, 304, 404, 403][status],
          ),
        );
      },
    ),
    one(
      (t) => customerWeight(world, t) * 1.2,
      (t, ctx) => {
        const r = ctx.rng;
        const key = `invoices/${day(t)}/inv-${r.int(100000, 999999)}.pdf`;
        pushS3(
          ctx,
          data,
          t,
          r.chance(0.7)
            ? objectPut(key, api?.privateIp ?? '10.0.11.58', apiArn, S3_AGENTS.java, r.int(30, 200) * 1000)
            : objectGet(r, key, api?.privateIp ?? '10.0.11.58', apiArn, S3_AGENTS.java, r.int(30, 200) * 1000),
        );
      },
    ),
    one(
      (t) => customerWeight(world, t) * 0.5,
      (t, ctx) =>
        pushS3(
          ctx,
          data,
          t,
          objectGet(
            ctx.rng,
            `uploads/${ctx.rng.uuid()}.jpg`,
            `10.0.${ctx.rng.int(100, 103)}.${ctx.rng.int(10, 250)}`,
            resizeArn,
            S3_AGENTS.lambdaPy,
            ctx.rng.int(200, 4000) * 1000,
          ),
        ),
    ),
    one(
      (t) => (ci ? deployActivity(world, t) * 2 : 0),
      (t, ctx) =>
        pushS3(
          ctx,
          assets,
          t,
          objectPut(
            `static/js/app.${ctx.rng.hex(8)}.js`,
            ctx.rng.pick(world.pools.runners),
            ci!.identity.arn,
            ci!.userAgent,
            ctx.rng.int(80, 900) * 1000,
          ),
        ),
    ),
    one(
      () => 0.8,
      (t, ctx) => {
        const stamp = isoSeconds(t).replace(/[-:]/g, '').slice(0, 13);
        const key = `AWSLogs/${world.account}/elasticloadbalancing/${world.region}/${day(t)}/${world.account}_elasticloadbalancing_${world.region}_app.prod-alb.${ctx.rng.hex(16)}_${stamp}Z_10.0.1.200_${ctx.rng.base64(8).replace(/[+/]/g, 'x')}.log.gz`;
        pushS3(
          ctx,
          logs,
          t,
          objectPut(
            key,
            `3.${ctx.rng.int(80, 95)}.${ctx.rng.int(0, 255)}.${ctx.rng.int(1, 254)}`,
            'arn:aws:iam::127311923021:root',
            S3_AGENTS.elb,
            ctx.rng.int(20, 600) * 1000,
          ),
        );
      },
    ),
  ];
}

export function s3Source(world: World): NormalSource {
  const actors = [
    ...serviceActors(world),
    ...world.users.map((u) => userActor(world, u)).filter((a): a is Actor => a !== undefined),
  ];
  const assets = bucketOf(world, 'assets')?.name ?? world.buckets[0].name;
  const filler: Actor = {
    weight: () => 1,
    emit: (t, _m, ctx) => {
      const fav = objectGet(
        ctx.rng,
        'favicon.ico',
        ctx.rng.pick(world.pools.cdn),
        undefined,
        S3_AGENTS.cloudfront,
        15086,
      );
      pushS3(ctx, assets, Math.floor(t), fav);
      return 1;
    },
  };
  return {
    source: 's3',
    weight: (t) => actors.reduce((s, a) => s + a.weight(t), 0),
    emit: (ctx, count, slack) => emitFromActors(actors.length ? actors : [filler], filler, ctx, count, slack),
  };
}
