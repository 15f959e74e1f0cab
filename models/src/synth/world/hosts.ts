import type { Rng } from '../rng.ts';
import type { HostRole, HostSpec } from '../scenario-schema.ts';
import { DAY, HOUR, MINUTE } from '../time.ts';

export interface Mount {
  mount: string;
  fs: string;
  sizeBytes: number;
  /** Used fraction at the start of the range. */
  baseFrac: number;
  /** Steady growth of the used fraction per day (logs, data). */
  growthPerDay: number;
}

export interface Host {
  name: string;
  role: HostRole;
  /** Syslog hostname, AWS style (ip-10-0-1-23). */
  hostname: string;
  instanceId: string;
  instanceType: string;
  region: string;
  az: string;
  privateIp: string;
  publicIp?: string;
  eni: string;
  cpus: number;
  memMb: number;
  public: boolean;
  mounts: Mount[];
  /** Boot times (sorted), the first one before the range starts: maintenance reboots after kernel updates. */
  boots: number[];
}

const SIZES: Record<string, [number, number]> = {
  nano: [2, 512],
  micro: [2, 1024],
  small: [2, 2048],
  medium: [2, 4096],
  large: [2, 8192],
  xlarge: [4, 16384],
};

const DEFAULT_TYPES: Record<HostRole, string> = {
  web: 't3.medium',
  api: 'm5.large',
  db: 'r5.xlarge',
  bastion: 't3.micro',
  batch: 'c5.2xlarge',
};

/** vCPUs and memory of an instance type from its size suffix; the family only scales memory (r: x2, c: /2). */
export function instanceShape(type: string): { cpus: number; memMb: number } {
  const [family, size] = type.split('.');
  const mult = /^(\d+)xlarge$/.exec(size);
  let [cpus, mem] = SIZES[size] ?? (mult ? [4 * Number(mult[1]), 16384 * Number(mult[1])] : [2, 4096]);
  if (family.startsWith('r')) mem *= 2;
  if (family.startsWith('c')) mem /= 2;
  if (size === 'large' && family.startsWith('r')) cpus = 2;
  return { cpus, memMb: mem };
}

const GB = 1024 ** 3;

function mountsFor(role: HostRole, rng: Rng): Mount[] {
  const root: Mount = {
    mount: '/',
    fs: '/dev/nvme0n1p1',
    sizeBytes: (role === 'bastion' ? 8 : role === 'batch' ? 50 : 30) * GB,
    baseFrac: rng.range(0.28, 0.45),
    growthPerDay: rng.range(0.0002, 0.0006),
  };
  if (role === 'db') {
    return [
      root,
      { mount: '/var/lib/postgresql', fs: '/dev/nvme1n1', sizeBytes: 500 * GB, baseFrac: 0.42, growthPerDay: 0.0007 },
    ];
  }
  if (role === 'batch') {
    return [root, { mount: '/data', fs: '/dev/nvme1n1', sizeBytes: 1000 * GB, baseFrac: 0.3, growthPerDay: 0.0005 }];
  }
  return [root];
}

/** Second Sunday of each month, 02:00-04:00 UTC: the patch window when kernel updates reboot hosts. */
function bootTimes(startMs: number, endMs: number, rng: Rng): number[] {
  const boots = [startMs - rng.range(3, 40) * DAY];
  for (let t = startMs; t < endMs; t += DAY) {
    const d = new Date(t);
    if (d.getUTCDay() === 0 && d.getUTCDate() > 7 && d.getUTCDate() <= 14 && rng.chance(0.75)) {
      boots.push(t + 2 * HOUR + rng.range(5, 110) * MINUTE);
    }
  }
  return boots;
}

export function buildHosts(specs: HostSpec[], region: string, startMs: number, endMs: number, rng: Rng): Host[] {
  return specs.map((spec, i) => {
    const r = rng.fork(`host:${spec.name}`);
    const privateIp = spec.privateIp ?? `10.0.${40 + i}.${10 + ((i * 37) % 200)}`;
    const instanceType = spec.instanceType ?? DEFAULT_TYPES[spec.role];
    const isPublic = spec.public ?? spec.role === 'bastion';
    const subnet = Number(privateIp.split('.')[2]);
    return {
      name: spec.name,
      role: spec.role,
      hostname: `ip-${privateIp.replaceAll('.', '-')}`,
      instanceId: `i-0${r.hex(16)}`,
      instanceType,
      region,
      az: `${region}${subnet % 2 === 0 ? 'a' : 'b'}`,
      privateIp,
      publicIp: isPublic ? `54.${r.int(144, 236)}.${r.int(0, 255)}.${r.int(1, 254)}` : undefined,
      eni: `eni-0${r.hex(16)}`,
      ...instanceShape(instanceType),
      public: isPublic,
      mounts: mountsFor(spec.role, r),
      boots: bootTimes(startMs, endMs, r),
    };
  });
}
