import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import ipaddr from 'ipaddr.js';
import { parse as parseYaml } from 'yaml';
import { ANOMALY_TYPES, compileValidator, ValidationError } from '../../../models/src/schema/index.ts';

const Int = (min: number, max: number, dflt: number) => Type.Integer({ minimum: min, maximum: max, default: dflt });
const Obj = <T extends Record<string, TSchema>>(props: T) =>
  Type.Object(props, { additionalProperties: false, default: {} });
const Mode = Type.Union([Type.Literal('off'), Type.Literal('recommend'), Type.Literal('auto')], {
  default: 'recommend',
});
const AbsPath = Type.String({ minLength: 1, maxLength: 1024, pattern: '^/[^\\u0000-\\u001f\\u007f]*$' });
/** Names, globs and cmdline fragments from config: printable, bounded, no control characters. */
const Text = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
const AnomalyTypes = (dflt: string[]) =>
  Type.Array(Type.Union(ANOMALY_TYPES.map((t) => Type.Literal(t))), { default: dflt, maxItems: 32 });

/** Shared by every playbook: mode, a token bucket and a per-target cooldown. */
const common = (types: string[]) => ({
  mode: Mode,
  anomalyTypes: AnomalyTypes(types),
  rate: Obj({ burst: Int(1, 1000, 3), perHour: Int(1, 100_000, 12) }),
  cooldownSeconds: Int(0, 7 * 86_400, 600),
});

const KillProcessSchema = Obj({
  ...common(['crypto_miner']),
  match: Obj({
    /** Globs matched against comm, the exe basename and the argv[0] basename. */
    names: Type.Array(Text, {
      default: ['xmrig*', 'minerd', 'cpuminer*', 'xmr-stak*', 'ethminer', 'nbminer', 'kdevtmpfsi', 'kinsing'],
      maxItems: 256,
    }),
    /** Case-insensitive substrings of the command line. */
    cmdlineContains: Type.Array(Text, {
      default: ['stratum+tcp://', 'stratum+ssl://', '--donate-level', 'cryptonight', 'randomx'],
      maxItems: 256,
    }),
    /** The process must also use at least this much of one core over cpuSampleMs; 0 skips the CPU check. */
    minCpuPercent: Type.Number({ minimum: 0, maximum: 100_000, default: 50 }),
    cpuSampleMs: Int(50, 10_000, 1000),
  }),
  allow: Obj({
    /** Exact exe paths, or directories when the entry ends with '/'. */
    exePaths: Type.Array(AbsPath, { default: [], maxItems: 256 }),
    /** User names or numeric uids; matched against the real and effective uid. */
    users: Type.Array(Text, { default: [], maxItems: 256 }),
    /** Globs matched against comm and the exe basename. */
    names: Type.Array(Text, { default: [], maxItems: 256 }),
  }),
  graceMs: Int(0, 120_000, 5000),
  killWaitMs: Int(100, 60_000, 2000),
  respawnWindowMs: Int(0, 60_000, 3000),
  /** Allowed skew when the detector recorded startTime in epoch ms instead of startTicks (btime has 1 s precision). */
  startTimeToleranceMs: Int(0, 5000, 1500),
});

const BlockIpSchema = Obj({
  ...common(['ssh_brute_force', 'credential_stuffing', 'port_scan']),
  backend: Type.Union([Type.Literal('auto'), Type.Literal('nft'), Type.Literal('ipset'), Type.Literal('dry-run')], {
    default: 'auto',
  }),
  ttlSeconds: Int(1, 30 * 86_400, 3600),
  maxConcurrent: Int(1, 65_536, 256),
  /** Never blocked: control plane, VPC CIDR, bastions. */
  allowCidrs: Type.Array(Type.String({ maxLength: 64 }), { default: [], maxItems: 1024 }),
  /** Peers with an established TCP connection to these local ports are never blocked. */
  sshPorts: Type.Array(Type.Integer({ minimum: 1, maximum: 65_535 }), { default: [22], maxItems: 16 }),
  /**
   * Apply blocks inside this named network namespace (`ip netns exec`): for workloads that run in their own netns,
   * and for sandboxed demos that must not touch the host's firewall. Absent = the agent's own namespace.
   */
  netns: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$' })),
});

const DiskRootSchema = Type.Object(
  {
    path: AbsPath,
    /** Globs on the file name, e.g. '*.gz', '*.1', '*.deb'. */
    patterns: Type.Array(Text, { minItems: 1, maxItems: 64 }),
    minAgeHours: Type.Number({ minimum: 0, maximum: 100_000, default: 0 }),
    maxDepth: Int(0, 16, 4),
  },
  { additionalProperties: false },
);

const CleanDiskSchema = Obj({
  ...common(['disk_fill']),
  targetUsedPct: Type.Number({ minimum: 1, maximum: 100, default: 80 }),
  dryRun: Type.Boolean({ default: false }),
  roots: Type.Array(DiskRootSchema, {
    maxItems: 64,
    default: [
      { path: '/var/log', patterns: ['*.gz', '*.[0-9]', '*.[0-9].log', '*.old'], minAgeHours: 1, maxDepth: 4 },
      { path: '/var/cache/apt/archives', patterns: ['*.deb'], minAgeHours: 0, maxDepth: 1 },
      { path: '/var/cache/dnf', patterns: ['*.rpm'], minAgeHours: 0, maxDepth: 4 },
      { path: '/tmp', patterns: ['*'], minAgeHours: 72, maxDepth: 2 },
    ],
  }),
  maxFilesPerRun: Int(1, 100_000, 2000),
  skipOpenFiles: Type.Boolean({ default: true }),
});

export const PolicySchema = Type.Object(
  {
    version: Type.Literal(1, { default: 1 }),
    /** The config half of the global kill switch: false disables every action. */
    actionsEnabled: Type.Boolean({ default: true }),
    /** The file half: while this path exists, no action runs. Checked before every action. */
    killSwitchFile: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: '^/',
      default: '/etc/vigil/disable-actions',
    }),
    blastRadius: Obj({ maxActions: Int(1, 10_000, 10), windowSeconds: Int(1, 86_400, 3600) }),
    recommendationTtlSeconds: Int(1, 7 * 86_400, 3600),
    playbooks: Obj({ 'kill-process': KillProcessSchema, 'block-ip': BlockIpSchema, 'clean-disk': CleanDiskSchema }),
  },
  { additionalProperties: false },
);

export type Policy = Static<typeof PolicySchema>;
export type KillProcessConfig = Static<typeof KillProcessSchema>;
export type BlockIpConfig = Static<typeof BlockIpSchema>;
export type CleanDiskConfig = Static<typeof CleanDiskSchema>;
export type DiskRootConfig = Static<typeof DiskRootSchema>;
export type RateConfig = KillProcessConfig['rate'];

const validatePolicy = compileValidator(PolicySchema);

/** Validates a parsed policy object, filling defaults; errors name the bad key (e.g. playbooks.block-ip.mode). */
export function validatePolicyObject(value: unknown, where: string): Policy {
  const withDefaults = Value.Default(PolicySchema, structuredClone(value ?? {}));
  const policy = validatePolicy(withDefaults, where);
  checkSemantics(policy, where);
  return policy;
}

/** Parses policy YAML (duplicate keys are an error) and validates it. */
export function parsePolicy(text: string, where = 'policy'): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new ValidationError(where, [{ path: '', message: `YAML: ${(err as Error).message}` }]);
  }
  return validatePolicyObject(doc, where);
}

export function loadPolicy(file: string): Policy {
  return parsePolicy(readFileSync(file, 'utf8'), file);
}

/** Checks TypeBox cannot express: CIDRs parse, paths are normalised, a miner matcher is not empty. */
function checkSemantics(policy: Policy, where: string): void {
  const problems: { path: string; message: string }[] = [];
  const block = policy.playbooks['block-ip'];
  block.allowCidrs.forEach((cidr, i) => {
    if (!parseAllowCidr(cidr))
      problems.push({ path: `playbooks.block-ip.allowCidrs.${i}`, message: `not a CIDR or IP: ${cidr}` });
  });
  const kill = policy.playbooks['kill-process'];
  if (kill.match.names.length === 0 && kill.match.cmdlineContains.length === 0) {
    problems.push({ path: 'playbooks.kill-process.match', message: 'names or cmdlineContains must not both be empty' });
  }
  const paths: [string, string][] = [
    ['killSwitchFile', policy.killSwitchFile],
    ...kill.allow.exePaths.map((p, i): [string, string] => [`playbooks.kill-process.allow.exePaths.${i}`, p]),
    ...policy.playbooks['clean-disk'].roots.map((r, i): [string, string] => [
      `playbooks.clean-disk.roots.${i}.path`,
      r.path,
    ]),
  ];
  for (const [key, p] of paths) {
    const normal = path.posix.normalize(p);
    if (normal !== p && `${normal}/` !== p) problems.push({ path: key, message: `path must be normalised: ${p}` });
  }
  policy.playbooks['clean-disk'].roots.forEach((r, i) => {
    if (r.path === '/')
      problems.push({
        path: `playbooks.clean-disk.roots.${i}.path`,
        message: 'the filesystem root cannot be a cleanup root',
      });
  });
  if (problems.length > 0) throw new ValidationError(where, problems);
}

/** A CIDR or a bare IP (as /32 or /128), or null. IPv4-mapped IPv6 ranges are not accepted. */
export function parseAllowCidr(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const addr = ipaddr.parse(text);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}
