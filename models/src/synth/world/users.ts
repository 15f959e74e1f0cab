import type { Rng } from '../rng.ts';
import type { UserRole, UserSpec } from '../scenario-schema.ts';
import { DAY } from '../time.ts';
import type { Host } from './hosts.ts';
import { randomPublicIp } from './net.ts';

/** How CloudTrail names the caller (userIdentity) and S3 names the requester. */
export interface Identity {
  type: 'IAMUser' | 'AssumedRole';
  arn: string;
  principalId: string;
  accessKeyId: string;
  userName?: string;
  /** For assumed roles: the role's ARN and name (sessionContext.sessionIssuer). */
  roleArn?: string;
  roleName?: string;
  rolePrincipalId?: string;
  /** Console (SSO) sessions carry MFA; keys and bots do not. */
  mfa: boolean;
}

export interface User {
  name: string;
  role: UserRole;
  login: string;
  uid: number;
  human: boolean;
  tzOffsetMinutes: number;
  workStart: number;
  workEnd: number;
  regions: string[];
  ips: string[];
  /** Syslog hostnames the user logs in to. */
  hosts: string[];
  activity: number;
  identity: Identity;
  userAgent: string;
  sshMethod: 'publickey' | 'password';
  keyFingerprint: string;
  /** Day-index ranges [from, to) when the user is on leave. */
  vacations: [number, number][];
}

const HUMAN_ROLES = new Set<UserRole>([
  'admin',
  'developer',
  'data_analyst',
  'sre',
  'security_auditor',
  'data_engineer',
]);

const SSO_SETS: Partial<Record<UserRole, string>> = {
  admin: 'AdministratorAccess',
  sre: 'PowerUserAccess',
  data_analyst: 'DataAnalyst',
  security_auditor: 'SecurityAudit',
};

const BOT_ROLES: Partial<Record<UserRole, string>> = {
  ci_bot: 'github-actions-deploy',
  etl_service: 'etl-batch-role',
  backup_service: 'backup-role',
};

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function awsId(rng: Rng, prefix: string, n: number): string {
  let s = prefix;
  for (let i = 0; i < n; i++) s += UPPER[rng.u32() & 31];
  return s;
}

function identityFor(spec: UserSpec, account: string, hosts: Host[], rng: Rng): Identity {
  const human = HUMAN_ROLES.has(spec.role);
  const permissionSet = SSO_SETS[spec.role];
  if (human && !permissionSet) {
    return {
      type: 'IAMUser',
      arn: `arn:aws:iam::${account}:user/${spec.name}`,
      principalId: awsId(rng, 'AIDA', 17),
      accessKeyId: awsId(rng, 'AKIA', 16),
      userName: spec.name,
      mfa: false,
    };
  }
  const roleName = permissionSet
    ? `AWSReservedSSO_${permissionSet}_${rng.hex(16)}`
    : (BOT_ROLES[spec.role] ?? `${spec.name}-role`);
  const session =
    spec.role === 'ci_bot'
      ? 'GitHubActions'
      : spec.role === 'etl_service'
        ? (hosts.find((h) => h.role === 'batch')?.instanceId ?? spec.name)
        : spec.role === 'backup_service'
          ? `AWSBackup-${spec.name}`
          : spec.name;
  const rolePrincipalId = awsId(rng, 'AROA', 17);
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
    principalId: `${rolePrincipalId}:${session}`,
    accessKeyId: awsId(rng, 'ASIA', 16),
    roleArn: permissionSet
      ? `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${roleName}`
      : `arn:aws:iam::${account}:role/${roleName}`,
    roleName,
    rolePrincipalId,
    mfa: Boolean(permissionSet),
  };
}

const AGENTS = [
  'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe command/',
  'aws-cli/2.24.10 md/awscrt#0.23.8 ua/2.1 os/linux#6.8.0-1021-aws md/arch#x86_64 lang/python#3.12.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe command/',
  'Boto3/1.35.81 md/Botocore#1.35.81 ua/2.0 os/linux#6.8.0-1021-aws md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.81',
  'aws-sdk-js/3.712.0 ua/2.1 os/linux#6.8.0-1021-aws lang/js md/nodejs#20.18.1 api/lambda#3.712.0 m/E',
];

function userAgentFor(role: UserRole, rng: Rng): string {
  if (role === 'ci_bot') return AGENTS[3];
  if (role === 'etl_service' || role === 'backup_service' || role === 'data_engineer') return AGENTS[2];
  return rng.chance(0.5) ? AGENTS[0] : AGENTS[1];
}

/** Two leave periods a year for humans: behaviour models must cope with absences that are not anomalies. */
function vacations(startMs: number, endMs: number, rng: Rng): [number, number][] {
  const first = Math.floor(startMs / DAY);
  const span = Math.max(1, Math.floor((endMs - startMs) / DAY));
  if (span < 60) return [];
  const a = first + rng.int(20, Math.floor(span / 2) - 15);
  const b = first + rng.int(Math.floor(span / 2), span - 15);
  return [
    [a, a + rng.int(5, 12)],
    [b, b + rng.int(3, 9)],
  ];
}

export function buildUsers(
  specs: UserSpec[],
  account: string,
  region: string,
  hosts: Host[],
  range: { startMs: number; endMs: number },
  rng: Rng,
): User[] {
  const byName = new Map(hosts.map((h) => [h.name, h.hostname]));
  return specs.map((spec, i) => {
    const r = rng.fork(`user:${spec.name}`);
    const human = HUMAN_ROLES.has(spec.role);
    const defaultHosts = human ? hosts.filter((h) => h.role === 'bastion').map((h) => h.name) : [];
    return {
      name: spec.name,
      role: spec.role,
      login: spec.login ?? spec.name.split('.')[0],
      uid: 1001 + i,
      human,
      tzOffsetMinutes: spec.tzOffsetMinutes ?? (human ? -300 : 0),
      workStart: spec.workHours?.start ?? 9,
      workEnd: spec.workHours?.end ?? 17.5,
      regions: spec.regions ?? [region],
      ips: spec.ips ?? [randomPublicIp(r)],
      hosts: (spec.hosts ?? defaultHosts).map((n) => byName.get(n) ?? n),
      activity: spec.activity ?? 1,
      identity: identityFor(spec, account, hosts, r),
      userAgent: userAgentFor(spec.role, r),
      sshMethod: spec.role === 'developer' && i % 2 === 1 ? 'password' : 'publickey',
      keyFingerprint: `SHA256:${r.base64(43)}`,
      vacations: human ? vacations(range.startMs, range.endMs, r) : [],
    };
  });
}
