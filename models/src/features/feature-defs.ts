import { ENTITY_KINDS } from '../schema/index.ts';
import type { EntityState } from './entity-state.ts';
import type { WindowAcc } from './window-acc.ts';

/** Everything a feature may read: the closed (or provisional) window, the entity's history, and the clock. */
export interface FeatureInput {
  acc: WindowAcc;
  state: EntityState;
  windowNo: number;
  windowStart: number;
  windowMs: number;
  /** Windows in the rolling horizon (e.g. 12 × 5 min = 1 h). */
  rollingSpan: number;
  instanceFamily: number;
}

interface FeatureDef {
  name: string;
  f: (x: FeatureInput) => number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const HOUR = 3600_000;

function entropy(counts: Iterable<number>, total: number): number {
  if (total <= 0) return 0;
  let h = 0;
  for (const c of counts) {
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}

function maxSourceZ(x: FeatureInput, threshold?: number): number {
  const sb = x.state.sourceBase;
  if (!sb) return Number.NaN;
  let max = Number.NaN;
  let spiking = 0;
  for (const [src, count] of x.acc.sources) {
    const z = sb.get(src)?.z(count) ?? Number.NaN;
    if (!(z <= max)) max = z;
    if (threshold !== undefined && z > threshold) spiking++;
  }
  return threshold === undefined ? max : spiking;
}

/**
 * The feature vector, in order. Its names, order and version form the feature schema whose hash a model bundle
 * records; change anything here and bump FEATURE_VERSION. One vector serves every entity kind: features that do not
 * apply to a kind are 0, and `entity_kind` lets the trees branch on it.
 */
const BASE_DEFS: readonly FeatureDef[] = [
  // context
  { name: 'entity_kind', f: (x) => ENTITY_KINDS.indexOf(x.state.kind) },
  { name: 'hour_of_week', f: (x) => Math.floor((((x.windowStart / HOUR + 72) % 168) + 168) % 168) },
  { name: 'hour_novelty', f: (x) => x.state.hourNovelty(new Date(x.windowStart).getUTCHours()) },
  { name: 'entity_age_days', f: (x) => (x.windowStart - x.state.firstSeen) / (24 * HOUR) },
  {
    name: 'idle_before_s',
    f: (x) => (x.state.lastWindowEnd > 0 ? (x.windowStart - x.state.lastWindowEnd) / 1000 : -1),
  },
  { name: 'instance_family', f: (x) => x.instanceFamily },
  // volume and failure, against the entity's own baseline
  { name: 'n_events', f: (x) => x.acc.n },
  { name: 'n_events_z', f: (x) => x.state.base.n.z(x.acc.n) },
  { name: 'n_fail', f: (x) => x.acc.fail },
  { name: 'fail_ratio', f: (x) => ratio(x.acc.fail, x.acc.n) },
  { name: 'n_fail_z', f: (x) => x.state.base.fail.z(x.acc.fail) },
  { name: 'distinct_actions', f: (x) => x.acc.actions.size },
  { name: 'action_entropy', f: (x) => entropy(x.acc.actions.values(), x.acc.n) },
  { name: 'new_actions', f: (x) => x.acc.newActions },
  { name: 'distinct_src_ips', f: (x) => x.acc.srcIps.size },
  { name: 'new_src_ips', f: (x) => x.acc.newSrcIps },
  { name: 'distinct_principals', f: (x) => x.acc.principals.size },
  { name: 'new_principals', f: (x) => x.acc.newPrincipals },
  // rolling horizon (low-and-slow shows up here, not in one window)
  { name: 'events_1h', f: (x) => x.state.rolling(x.windowNo - 1, x.rollingSpan - 1).n + x.acc.n },
  { name: 'fail_1h', f: (x) => x.state.rolling(x.windowNo - 1, x.rollingSpan - 1).fail + x.acc.fail },
  { name: 'src_ips_1h', f: (x) => x.state.srcIps?.countSince(x.windowStart + x.windowMs - HOUR) ?? 0 },
  { name: 'principals_1h', f: (x) => x.state.principals?.countSince(x.windowStart + x.windowMs - HOUR) ?? 0 },
  // ssh, sudo, commands, packages
  { name: 'ssh_fail', f: (x) => x.acc.sshFail },
  { name: 'ssh_invalid_user', f: (x) => x.acc.sshInvalid },
  { name: 'ssh_success', f: (x) => x.acc.sshSuccess },
  { name: 'ssh_success_after_fail', f: (x) => x.acc.sshSuccessAfterFail },
  { name: 'session_attempts', f: (x) => (x.state.kind === 'ip' ? x.state.sessionAttempts : 0) },
  {
    name: 'session_duration_s',
    f: (x) => (x.state.kind === 'ip' ? (x.state.sessionLast - x.state.sessionStart) / 1000 : 0),
  },
  { name: 'sudo', f: (x) => x.acc.sudo },
  { name: 'sudo_fail', f: (x) => x.acc.sudoFail },
  { name: 'suspicious_cmd', f: (x) => x.acc.suspicious },
  { name: 'offensive_tool', f: (x) => x.acc.offensiveTools },
  { name: 'pkg_changes', f: (x) => x.acc.pkgChanges },
  { name: 'new_packages', f: (x) => x.acc.newPackages },
  { name: 'service_fail', f: (x) => x.acc.serviceFail },
  { name: 'kernel_oom', f: (x) => x.acc.kernelOom },
  { name: 'disk_full_msgs', f: (x) => x.acc.diskFullMsgs },
  // processes, load, disk
  { name: 'proc_samples', f: (x) => x.acc.procSamples },
  { name: 'max_proc_cpu', f: (x) => x.acc.maxProcCpu },
  { name: 'high_cpu_procs', f: (x) => x.acc.highCpuPids.size },
  { name: 'new_exes', f: (x) => x.acc.newExes },
  { name: 'new_exe_max_cpu', f: (x) => x.acc.newExeMaxCpu },
  { name: 'proc_in_tmp', f: (x) => x.acc.procInTmp },
  { name: 'load_per_cpu', f: (x) => x.acc.loadPerCpuMax },
  { name: 'disk_used_pct', f: (x) => x.acc.diskUsedPctMax },
  { name: 'disk_growth_bps', f: (x) => x.acc.diskGrowthMax },
  {
    name: 'disk_growth_z',
    f: (x) => (x.acc.diskUsedPctMax > 0 ? x.state.base.diskGrowth.z(x.acc.diskGrowthMax, 8, 1e6) : 0),
  },
  // lambda
  { name: 'invocations', f: (x) => x.acc.invocations },
  { name: 'invocations_z', f: (x) => (x.acc.invocations > 0 ? x.state.base.invocations.z(x.acc.invocations) : 0) },
  { name: 'duration_mean_ms', f: (x) => ratio(x.acc.durSum, x.acc.durN) },
  { name: 'duration_z', f: (x) => (x.acc.durN > 0 ? x.state.base.duration.z(x.acc.durSum / x.acc.durN, 8, 100) : 0) },
  { name: 'mem_ratio_max', f: (x) => x.acc.memRatioMax },
  { name: 'timeouts', f: (x) => x.acc.timeouts },
  { name: 'ooms', f: (x) => x.acc.ooms },
  { name: 'errors', f: (x) => x.acc.errors },
  { name: 'error_ratio', f: (x) => ratio(x.acc.errors + x.acc.timeouts + x.acc.ooms, x.acc.invocations) },
  { name: 'cold_starts', f: (x) => x.acc.coldStarts },
  // s3
  { name: 's3_gets', f: (x) => x.acc.gets },
  { name: 's3_puts', f: (x) => x.acc.puts },
  { name: 's3_deletes', f: (x) => x.acc.deletes },
  { name: 's3_denied', f: (x) => x.acc.denied },
  { name: 's3_sensitive_gets', f: (x) => x.acc.sensitiveGets },
  { name: 's3_distinct_keys', f: (x) => x.acc.keys.size },
  // bytes and network
  { name: 'bytes', f: (x) => x.acc.bytes },
  { name: 'bytes_z', f: (x) => x.state.base.bytes.z(x.acc.bytes, 8, 1e4) },
  { name: 'packets', f: (x) => x.acc.packets },
  { name: 'flows', f: (x) => x.acc.flows },
  { name: 'distinct_dst_ports', f: (x) => x.acc.dstPorts.size },
  { name: 'distinct_dst_ips', f: (x) => x.acc.dstIps.size },
  { name: 'dst_port_entropy', f: (x) => entropy(x.acc.dstPorts.values(), x.acc.flows) },
  { name: 'unusual_proto', f: (x) => x.acc.unusualProto },
  { name: 'bytes_per_flow_max', f: (x) => x.acc.bytesPerFlowMax },
  { name: 'internal_src_flows', f: (x) => x.acc.srcInternal },
  { name: 'external_dst_bytes', f: (x) => x.acc.externalDstBytes },
  // cloudtrail
  { name: 'ct_events', f: (x) => x.acc.ctEvents },
  { name: 'iam_writes', f: (x) => x.acc.iamWrites },
  { name: 'log_tamper', f: (x) => x.acc.logTamper },
  { name: 'access_denied', f: (x) => x.acc.accessDenied },
  { name: 'console_login_fail', f: (x) => x.acc.consoleLoginFail },
  { name: 'root_activity', f: (x) => x.acc.rootActivity },
  { name: 'distinct_regions', f: (x) => x.acc.regions.size },
  { name: 'new_regions', f: (x) => x.acc.newRegions },
  { name: 'new_services', f: (x) => x.acc.newServices },
  // account-wide
  { name: 'sources_active', f: (x) => x.acc.sources.size },
  { name: 'max_source_z', f: (x) => maxSourceZ(x) },
  { name: 'sources_spiking', f: (x) => maxSourceZ(x, 3) },
];

/**
 * Counts worth remembering beyond one window: low-and-slow attacks spread a few events over hours, which no single
 * 5-minute window shows but an exponentially decayed sum (6 h half-life) does.
 */
export const DECAYED_BASES = [
  'n_events',
  'n_fail',
  'new_src_ips',
  'new_principals',
  'ssh_fail',
  'ssh_invalid_user',
  'sudo_fail',
  'suspicious_cmd',
  'new_packages',
  'offensive_tool',
  'high_cpu_procs',
  'new_exes',
  'proc_in_tmp',
  'disk_growth_bps',
  'invocations',
  'timeouts',
  'ooms',
  'errors',
  's3_gets',
  's3_deletes',
  's3_denied',
  's3_sensitive_gets',
  'bytes',
  'distinct_dst_ports',
  'unusual_proto',
  'external_dst_bytes',
  'iam_writes',
  'log_tamper',
  'access_denied',
  'new_regions',
] as const;
export const DECAY_HALF_LIFE_MS = 6 * HOUR;

const baseIndex = (name: string) => {
  const i = BASE_DEFS.findIndex((d) => d.name === name);
  if (i < 0) throw new Error(`decayed feature base '${name}' is not a feature`);
  return i;
};
export const DECAYED_INDEX = DECAYED_BASES.map(baseIndex);

export const FEATURE_DEFS: readonly FeatureDef[] = [
  ...BASE_DEFS,
  ...DECAYED_BASES.map((name, k) => {
    const base = BASE_DEFS[DECAYED_INDEX[k]];
    return { name: `${name}_6h`, f: (x: FeatureInput) => x.state.decayedAt(k, x.windowStart) + base.f(x) };
  }),
];
