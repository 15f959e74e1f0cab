import type { LogSource } from '../schema/event.ts';
import type { RunCounts, SynthRun } from './run.ts';
import type { Scenario } from './scenario.ts';
import type { UserRole } from './scenario-schema.ts';
import type { Host, Mount } from './world/hosts.ts';

/** manifest.json: what was generated, from what, and the inventory detectors and playbooks resolve names against. */
export interface Manifest {
  generator: 'vigil-synth';
  formatVersion: 1;
  seed: number;
  start: string;
  end: string;
  /** Year of the first syslog line (RFC 3164 timestamps carry none). */
  year: number;
  days: number;
  /** Records requested and written (the VPC header line is not a record). */
  samples: number;
  records: number;
  account: string;
  region: string;
  vpcId: string;
  scenario: Scenario;
  counts: RunCounts & { normal: Record<LogSource, number> };
  users: {
    name: string;
    role: UserRole;
    login: string;
    uid: number;
    tzOffsetMinutes: number;
    workHours: { start: number; end: number };
    regions: string[];
    ips: string[];
    hosts: string[];
    principal: string;
    principalType: string;
    accessKeyId: string;
  }[];
  /** The inventory without the generator's internal state (boot times, fill fractions). */
  hosts: (Omit<Host, 'public' | 'boots' | 'mounts'> & { mounts: Pick<Mount, 'mount' | 'fs' | 'sizeBytes'>[] })[];
  functions: { name: string; runtime: string; memoryMb: number; timeoutS: number; logGroup: string }[];
  buckets: { name: string; kind: string }[];
  interfaces: { eni: string; ip: string; kind: string; publicIp?: string }[];
  files: string[];
  labels: string;
}

export function buildManifest(run: SynthRun, counts: RunCounts): Manifest {
  const { world, scenario } = run;
  const records = Object.values(counts.sources).reduce((a, b) => a + b, 0);
  const normal = Object.fromEntries(
    Object.entries(counts.sources).map(([s, n]) => [s, n - counts.labelled[s as LogSource]]),
  ) as Record<LogSource, number>;
  return {
    generator: 'vigil-synth',
    formatVersion: 1,
    seed: scenario.seed,
    start: new Date(scenario.startMs).toISOString(),
    end: new Date(scenario.endMs).toISOString(),
    year: new Date(scenario.startMs).getUTCFullYear(),
    days: scenario.days,
    samples: scenario.samples,
    records,
    account: world.account,
    region: world.region,
    vpcId: world.vpcId,
    scenario,
    counts: { ...counts, normal },
    users: world.users.map((u) => ({
      name: u.name,
      role: u.role,
      login: u.login,
      uid: u.uid,
      tzOffsetMinutes: u.tzOffsetMinutes,
      workHours: { start: u.workStart, end: u.workEnd },
      regions: u.regions,
      ips: u.ips,
      hosts: u.hosts,
      principal: u.identity.arn,
      principalType: u.identity.type,
      accessKeyId: u.identity.accessKeyId,
    })),
    hosts: world.hosts.map((h) => ({
      name: h.name,
      role: h.role,
      hostname: h.hostname,
      instanceId: h.instanceId,
      instanceType: h.instanceType,
      region: h.region,
      az: h.az,
      privateIp: h.privateIp,
      ...(h.publicIp ? { publicIp: h.publicIp } : {}),
      eni: h.eni,
      cpus: h.cpus,
      memMb: h.memMb,
      mounts: h.mounts.map((m) => ({ mount: m.mount, fs: m.fs, sizeBytes: m.sizeBytes })),
    })),
    functions: world.functions.map((f) => ({
      name: f.name,
      runtime: f.runtime,
      memoryMb: f.memoryMb,
      timeoutS: f.timeoutS,
      logGroup: `/aws/lambda/${f.name}`,
    })),
    buckets: world.buckets.map((b) => ({ name: b.name, kind: b.kind })),
    interfaces: world.shared.map((s) => ({
      eni: s.eni,
      ip: s.ip,
      kind: s.kind,
      ...(s.publicIp ? { publicIp: s.publicIp } : {}),
    })),
    files: run.fileList(),
    labels: 'labels.jsonl',
  };
}
