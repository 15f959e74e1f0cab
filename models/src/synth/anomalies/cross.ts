import type { Incident, Injector, PlanCtx } from '../engine/types.ts';
import { pushTrail, userCall } from '../normal/cloudtrail.ts';
import { Containers, emitInvocation } from '../normal/lambda-invoke.ts';
import { listBucket, objectGet, pushS3 } from '../normal/s3.ts';
import { ROLE_CALLS } from '../normal/trail-catalog.ts';
import { pushFlow } from '../normal/vpc.ts';
import { MINUTE } from '../time.ts';
import { ipIn16 } from '../world/net.ts';
import { IncidentBuilder, sized, warps, windowAt } from './kit.ts';

/**
 * Account-wide spike: a runaway automation (or a compromised admin credential driving a script) hammering many
 * services at once. One label per source, sharing the incident, all with the account as the entity.
 */
function planAccountSpike(ctx: PlanCtx): Incident {
  const { world } = ctx;
  const admins = world.users.filter((u) => u.role === 'admin' || u.role === 'sre' || u.role === 'etl_service');
  const u = ctx.rng.pick(admins.length ? admins : world.users);
  const nat = world.shared.find((s) => s.kind === 'nat');
  const { start, end } = windowAt(ctx, ctx.rng.range(20, 180) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const entity = { kind: 'account' as const, id: world.account };
  const desc = `account-wide activity spike driven by ${u.name}`;
  const targets = { account: world.account, principal: u.identity.arn };
  const trail = b.label('cloudtrail', entity, start, end, desc, targets);
  const s3 = b.label('s3', entity, start, end, desc, targets);
  const lambda = b.label('lambda', entity, start, end, desc, targets);
  const vpc = b.label('vpc', entity, start, end, desc, targets);
  const calls = [...ROLE_CALLS.admin, ...ROLE_CALLS.sre].filter((c) => c.ro);
  const srcIp = nat?.publicIp ?? u.ips[0];
  b.stream({
    label: trail,
    source: 'cloudtrail',
    units: sized(ctx, 12, 54, 6),
    linesPerUnit: 1,
    start,
    end,
    warp: warps.burst,
    unit: (t, c) => {
      const api = calls[c.rng.int(0, calls.length - 1)];
      pushTrail(
        c,
        userCall(world, u, api, t, {
          sourceIp: srcIp,
          requestParameters: api.params ? api.params(world, c.rng) : null,
        }),
        trail,
      );
    },
  });
  b.stream({
    label: s3,
    source: 's3',
    units: sized(ctx, 12, 54, 6),
    linesPerUnit: 1,
    start,
    end,
    warp: warps.burst,
    unit: (t, c) => {
      const bucket = c.rng.pick(world.buckets);
      const draft = c.rng.chance(0.4)
        ? listBucket(srcIp, u.identity.arn, u.userAgent, bucket.prefixes[0])
        : objectGet(
            c.rng,
            `${c.rng.pick(bucket.prefixes)}${c.rng.hex(12)}`,
            srcIp,
            u.identity.arn,
            u.userAgent,
            c.rng.int(1, 500) * 1000,
            c.rng.chance(0.2) ? 404 : 200,
          );
      pushS3(c, bucket.name, t, draft, s3);
    },
  });
  const containers = new Containers();
  const fns = world.functions.filter((f) => f.timeoutS <= 30);
  b.stream({
    label: lambda,
    source: 'lambda',
    units: sized(ctx, 5, 21, 4),
    linesPerUnit: 3,
    start,
    end,
    span: 40_000,
    warp: warps.burst,
    unit: (t, c) => {
      const fn = c.rng.pick(fns.length ? fns : world.functions);
      emitInvocation({ fn, t, fate: 'ok', cold: c.rng.chance(0.3), logs: 0, label: lambda }, containers, c.rng, c.sink);
    },
  });
  const hosts = world.hosts;
  b.stream({
    label: vpc,
    source: 'vpc',
    units: sized(ctx, 9, 42, 6),
    linesPerUnit: 1,
    start,
    end,
    span: 60_000,
    warp: warps.burst,
    unit: (t, c) => {
      const h = c.rng.pick(hosts);
      const bytes = Math.round(c.rng.logNormal(400_000, 1));
      pushFlow(
        c,
        {
          t,
          eni: h.eni,
          src: h.privateIp,
          dst: ipIn16(c.rng, c.rng.pick(['52.94', '52.216', '54.239'])),
          srcPort: c.rng.int(32768, 60999),
          dstPort: 443,
          protocol: 6,
          packets: Math.max(1, Math.round(bytes / 1200)),
          bytes,
          action: 'ACCEPT',
        },
        vpc,
      );
    },
  });
  return b.build('account_spike', start, end);
}

export const crossInjector: Injector = {
  types: ['account_spike'],
  lowAndSlow: [],
  plan: planAccountSpike,
};
