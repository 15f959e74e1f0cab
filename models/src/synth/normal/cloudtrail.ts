import { customerWeight, dailyWindow, deployActivity, humanWeight } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, NormalSource, SlotCtx } from '../engine/types.ts';
import { type Caller, type TrailCall, trailRecord } from '../format/cloudtrail.ts';
import { HOUR, SECOND } from '../time.ts';
import type { User, World } from '../world/index.ts';
import { type ApiCall, ROLE_CALLS, regionFor } from './trail-catalog.ts';

const RATE: Record<User['role'], number> = {
  admin: 1,
  developer: 1.2,
  data_analyst: 1,
  sre: 1.2,
  security_auditor: 0.8,
  data_engineer: 0.8,
  ci_bot: 4,
  etl_service: 2,
  backup_service: 1.5,
};

export function pushTrail(ctx: SlotCtx, call: TrailCall, label?: string): void {
  ctx.sink.push(
    trailRecord(ctx.world.account, { ...call, ts: Math.min(call.ts, ctx.world.endMs - 1000) }, ctx.rng, label),
  );
}

/** Where a principal's calls come from: the person's own addresses, CI runners, or the NAT for host scripts. */
export function usualSourceIp(world: World, u: User, t: number): string {
  if (u.role === 'ci_bot') return world.pools.runners[Math.floor(t / HOUR) % world.pools.runners.length];
  if (!u.human) return world.shared.find((s) => s.kind === 'nat')?.publicIp ?? u.ips[0];
  return u.ips[Math.floor(t / 86_400_000) % u.ips.length];
}

/** A catalog call made by `u` at t, with the denial the catalog says the caller gets. */
export function userCall(
  world: World,
  u: User,
  api: ApiCall,
  t: number,
  overrides: Partial<TrailCall> = {},
): TrailCall {
  const region = regionFor(api.src, u.regions[0]);
  const denied = api.deny !== undefined && api.deny >= 1;
  const action = `${api.src.split('.')[0]}:${api.name.replace(/\d{8}(v\d)?$/, '')}`;
  return {
    ts: t,
    caller: { kind: 'identity', id: u.identity },
    eventSource: api.src,
    eventName: api.name,
    region,
    sourceIp: usualSourceIp(world, u, t),
    userAgent: u.userAgent,
    readOnly: api.ro,
    sessionStart: Math.floor(t / HOUR) * HOUR - HOUR,
    errorCode: denied ? 'AccessDenied' : undefined,
    errorMessage: denied
      ? `User: ${u.identity.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`
      : undefined,
    ...overrides,
  };
}

function consoleLogin(world: World, u: User, t: number): TrailCall {
  return {
    ts: t,
    caller: { kind: 'identity', id: u.identity },
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    region: 'us-east-1',
    sourceIp: usualSourceIp(world, u, t),
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    sessionStart: t,
  };
}

function userWeight(world: World, u: User, t: number): number {
  const base = u.human
    ? humanWeight(u, t)
    : u.role === 'ci_bot'
      ? deployActivity(world, t)
      : u.role === 'etl_service'
        ? dailyWindow(t, 1, 4)
        : dailyWindow(t, 3, 4);
  return base * RATE[u.role];
}

function userActor(world: World, u: User): Actor {
  const calls = ROLE_CALLS[u.role];
  const weights = calls.map((c) => c.w);
  return {
    weight: (t) => userWeight(world, u, t),
    emit(t, max, ctx) {
      const r = ctx.rng;
      if (u.identity.mfa && r.chance(0.07)) {
        pushTrail(ctx, consoleLogin(world, u, t));
        return 1;
      }
      let n = Math.min(max, r.weighted([0.45, 0.3, 0.15, 0.1]) + 1);
      let at = t;
      if (u.role === 'ci_bot') {
        const repo = 'repo:acme/shop:ref:refs/heads/main';
        const caller: Caller = {
          kind: 'web',
          provider: `arn:aws:iam::${world.account}:oidc-provider/token.actions.githubusercontent.com`,
          subject: repo,
        };
        pushTrail(ctx, {
          ts: at,
          caller,
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRoleWithWebIdentity',
          region: world.region,
          sourceIp: usualSourceIp(world, u, t),
          userAgent: 'aws-sdk-js/3.712.0',
          readOnly: true,
          requestParameters: { roleArn: u.identity.roleArn, roleSessionName: 'GitHubActions', durationSeconds: 3600 },
        });
        n--;
        at += r.range(1, 4) * SECOND;
      }
      for (let i = 0; i < n; i++) {
        const api = calls[r.weighted(weights)];
        const throttled = r.chance(0.003);
        pushTrail(
          ctx,
          userCall(world, u, api, at, {
            requestParameters: api.params ? api.params(world, r) : null,
            ...(throttled ? { errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' } : {}),
          }),
        );
        at += r.range(0.2, 6) * SECOND;
      }
      return u.role === 'ci_bot' ? n + 1 : n;
    },
  };
}

/** Services assuming roles for Lambda functions and instance profiles: the bulk of real management events. */
function serviceActor(world: World): Actor {
  return {
    weight: (t) => 0.6 + customerWeight(world, t) * 0.4,
    emit(t, _max, ctx) {
      const r = ctx.rng;
      const lambda = r.chance(0.6);
      const service = lambda ? 'lambda.amazonaws.com' : 'ec2.amazonaws.com';
      const role = lambda
        ? `${r.pick(world.functions).name}-role`
        : r.pick(['api-instance-role', 'etl-batch-role', 'web-instance-role']);
      pushTrail(ctx, {
        ts: t,
        caller: { kind: 'service', service },
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        region: world.region,
        sourceIp: service,
        userAgent: service,
        readOnly: true,
        requestParameters: {
          roleArn: `arn:aws:iam::${world.account}:role/${role}`,
          roleSessionName: lambda ? role.replace(/-role$/, '') : `i-0${r.hex(16)}`,
          durationSeconds: lambda ? 43200 : 21600,
        },
      });
      return 1;
    },
  };
}

export function cloudtrailSource(world: World): NormalSource {
  const service = serviceActor(world);
  const actors = [...world.users.map((u) => userActor(world, u)), service];
  return {
    source: 'cloudtrail',
    weight: (t) => actors.reduce((s, a) => s + a.weight(t), 0),
    emit: (ctx, count, slack) => emitFromActors(actors, service, ctx, count, slack),
  };
}
