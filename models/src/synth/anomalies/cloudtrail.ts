import type { Incident, Injector, PlanCtx } from '../engine/types.ts';
import type { TrailCall } from '../format/cloudtrail.ts';
import { pushTrail, userCall } from '../normal/cloudtrail.ts';
import type { ApiCall } from '../normal/trail-catalog.ts';
import { DAY, HOUR, localClock, MINUTE } from '../time.ts';
import type { User } from '../world/index.ts';
import { freshIp, IncidentBuilder, sized, windowAt } from './kit.ts';

const s = (svc: string) => `${svc}.amazonaws.com`;

/** APIs an account takeover reaches for: discovery across services, secrets, keys. */
const RECON: ApiCall[] = [
  { src: s('sts'), name: 'GetCallerIdentity', ro: true, w: 2 },
  { src: s('iam'), name: 'ListUsers', ro: true, w: 2 },
  { src: s('iam'), name: 'ListAccessKeys', ro: true, w: 1 },
  { src: s('iam'), name: 'GetAccountAuthorizationDetails', ro: true, w: 1 },
  { src: s('secretsmanager'), name: 'ListSecrets', ro: true, w: 2 },
  {
    src: s('secretsmanager'),
    name: 'GetSecretValue',
    ro: true,
    w: 2,
    params: () => ({ secretId: 'prod/orders-api/db' }),
  },
  { src: s('ec2'), name: 'DescribeInstances', ro: true, w: 2 },
  { src: s('s3'), name: 'ListBuckets', ro: true, w: 2 },
  { src: s('kms'), name: 'ListKeys', ro: true, w: 1 },
  {
    src: s('ssm'),
    name: 'GetParametersByPath',
    ro: true,
    w: 1,
    params: () => ({ path: '/prod/', recursive: true, withDecryption: true }),
  },
  { src: s('lambda'), name: 'ListFunctions20150331', ro: true, w: 1 },
];

const UNUSUAL_REGIONS = [
  'ap-southeast-1',
  'sa-east-1',
  'ap-northeast-2',
  'me-south-1',
  'af-south-1',
  'eu-north-1',
  'ap-south-2',
];

function weighted(ctx: { rng: PlanCtx['rng'] }, calls: ApiCall[]): ApiCall {
  return calls[ctx.rng.weighted(calls.map((c) => c.w))];
}

/** Midnight-to-dawn in the user's own time zone, starting at the planner's day. */
function offHoursAnchor(ctx: PlanCtx, u: User): number {
  const { hour } = localClock(ctx.anchor, u.tzOffsetMinutes);
  const toThree = ((27 - hour) % 24) * HOUR;
  return ctx.anchor + toThree;
}

function pickUser(ctx: PlanCtx, human = true): User {
  const list = ctx.world.users.filter((u) => u.human === human);
  return ctx.rng.pick(list.length ? list : ctx.world.users);
}

/** A principal suddenly working at night, from somewhere new, on services it never touched. */
function planBehaviorChange(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const u = pickUser(ctx, ctx.rng.chance(0.8));
  const ip = slow ? u.ips[0] : freshIp(ctx);
  const units = slow ? sized(ctx, 6, 15, 5) : sized(ctx, 15, 66, 8);
  const { start, end } = windowAt(
    { ...ctx, anchor: u.human ? offHoursAnchor(ctx, u) : ctx.anchor },
    slow ? ctx.rng.range(1, 3) * DAY : ctx.rng.range(2, 8) * HOUR,
  );
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'cloudtrail',
    { kind: 'user', id: u.identity.arn },
    start,
    end,
    `${u.name} active off-hours${slow ? '' : ` from ${ip}`} on services outside its role`,
    {
      principal: u.identity.arn,
      accessKeyId: u.identity.accessKeyId,
      ip,
    },
  );
  b.stream({
    label,
    source: 'cloudtrail',
    units,
    linesPerUnit: 1,
    start,
    end,
    unit: (t, c) => {
      const api = weighted(c, RECON);
      pushTrail(
        c,
        userCall(c.world, u, api, t, {
          sourceIp: ip,
          requestParameters: api.params ? api.params(c.world, c.rng) : null,
          userAgent: slow
            ? u.userAgent
            : 'aws-cli/2.15.30 Python/3.11.8 Linux/5.15.0-97-generic exe/x86_64.kali.2024 prompt/off',
        }),
        label,
      );
    },
  });
  return b.build('behavior_change', start, end);
}

/** Credentials used in a region the principal never works in: GPU instances, key pairs, open security groups. */
function planUnusualRegion(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const u = pickUser(ctx, ctx.rng.chance(0.7));
  const region = ctx.rng.pick(UNUSUAL_REGIONS.filter((r) => !u.regions.includes(r)));
  const ip = freshIp(ctx);
  const units = slow ? sized(ctx, 2, 5, 3) : sized(ctx, 5, 30, 5);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(8, 24) * HOUR : ctx.rng.range(15, 180) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'cloudtrail',
    { kind: 'user', id: u.identity.arn },
    start,
    end,
    `${u.name} operating in ${region} from ${ip}`,
    {
      principal: u.identity.arn,
      region,
      accessKeyId: u.identity.accessKeyId,
    },
  );
  const calls: ApiCall[] = slow
    ? [
        { src: s('ec2'), name: 'DescribeRegions', ro: true, w: 1 },
        { src: s('ec2'), name: 'DescribeInstances', ro: true, w: 2 },
        { src: s('ec2'), name: 'DescribeImages', ro: true, w: 1 },
      ]
    : [
        { src: s('ec2'), name: 'DescribeRegions', ro: true, w: 1 },
        { src: s('ec2'), name: 'DescribeImages', ro: true, w: 2 },
        { src: s('ec2'), name: 'DescribeInstanceTypeOfferings', ro: true, w: 1 },
        { src: s('ec2'), name: 'ImportKeyPair', ro: false, w: 0.5, params: (_w, r) => ({ keyName: `k${r.hex(6)}` }) },
        {
          src: s('ec2'),
          name: 'AuthorizeSecurityGroupIngress',
          ro: false,
          w: 0.5,
          params: () => ({
            groupId: 'sg-0default',
            ipPermissions: {
              items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }],
            },
          }),
        },
        {
          src: s('ec2'),
          name: 'RunInstances',
          ro: false,
          w: 2,
          params: (_w, r) => ({
            instanceType: r.pick(['p3.8xlarge', 'g4dn.12xlarge', 'c5.24xlarge']),
            instancesSet: { items: [{ imageId: `ami-0${r.hex(16)}`, minCount: 10, maxCount: 10 }] },
          }),
        },
      ];
  b.stream({
    label,
    source: 'cloudtrail',
    units,
    linesPerUnit: 1,
    start,
    end,
    unit: (t, c) => {
      const api = weighted(c, calls);
      const limit = api.name === 'RunInstances' && c.rng.chance(0.4);
      const over: Partial<TrailCall> = {
        sourceIp: ip,
        region,
        requestParameters: api.params ? api.params(c.world, c.rng) : null,
      };
      if (limit)
        Object.assign(over, {
          errorCode: 'Client.VcpuLimitExceeded',
          errorMessage:
            'You have requested more vCPU capacity than your current vCPU limit allows for the instance bucket that the specified instance type belongs to.',
        });
      pushTrail(c, userCall(c.world, u, api, t, over), label);
    },
  });
  return b.build('unusual_region', start, end);
}

/** Backdoor identities: new users and keys, admin policies, trust to an outside account, logging switched off. */
function planIamPersistence(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const actors = ctx.world.users.filter(
    (u) => u.role === 'ci_bot' || u.role === 'developer' || u.role === 'data_engineer',
  );
  const u = ctx.rng.pick(actors.length ? actors : ctx.world.users);
  const ip = freshIp(ctx);
  const created = ctx.rng.pick(['svc-backup2', 'support-ops', 'aws-health-check', 'terraform-ci', 'monitoring-bot']);
  const existing = ctx.world.users.find((x) => x.identity.type === 'IAMUser')?.name ?? created;
  const steps: [string, Record<string, unknown>][] = slow
    ? [
        ['CreateAccessKey', { userName: existing }],
        ['AttachUserPolicy', { userName: existing, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      ]
    : [
        ['CreateUser', { userName: created }],
        ['CreateAccessKey', { userName: created }],
        ['AttachUserPolicy', { userName: created, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
        ['CreateLoginProfile', { userName: created, passwordResetRequired: false }],
        [
          'PutUserPolicy',
          {
            userName: created,
            policyName: 'inline-full',
            policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
          },
        ],
        [
          'UpdateAssumeRolePolicy',
          {
            roleName: 'github-actions-deploy',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::910387654321:root"},"Action":"sts:AssumeRole"}]}',
          },
        ],
        ['StopLogging', { name: 'org-trail' }],
      ];
  const n = slow ? steps.length : Math.max(3, Math.round(3 + 4 * ctx.intensity));
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(1, 2) * DAY : ctx.rng.range(10, 90) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const target = slow ? existing : created;
  const label = b.label(
    'cloudtrail',
    { kind: 'user', id: u.identity.arn },
    start,
    end,
    `${u.name} creating persistence (${steps
      .slice(0, n)
      .map((x) => x[0])
      .join(', ')})`,
    {
      principal: u.identity.arn,
      createdUser: target,
      accessKeyId: u.identity.accessKeyId,
    },
  );
  b.stream({
    label,
    source: 'cloudtrail',
    units: n,
    linesPerUnit: 1,
    start,
    end,
    unit: (t, c, i) => {
      const [name, params] = steps[i % steps.length];
      const svc = name === 'StopLogging' ? s('cloudtrail') : s('iam');
      pushTrail(
        c,
        userCall(c.world, u, { src: svc, name, ro: false, w: 1 }, t, {
          sourceIp: ip,
          requestParameters: params,
          region: name === 'StopLogging' ? c.world.region : 'us-east-1',
        }),
        label,
      );
    },
  });
  return b.build('iam_persistence', start, end);
}

export const cloudtrailInjector: Injector = {
  types: ['behavior_change', 'unusual_region', 'iam_persistence'],
  lowAndSlow: ['behavior_change', 'unusual_region', 'iam_persistence'],
  plan(ctx) {
    if (ctx.type === 'behavior_change') return planBehaviorChange(ctx);
    if (ctx.type === 'unusual_region') return planUnusualRegion(ctx);
    return planIamPersistence(ctx);
  },
};
