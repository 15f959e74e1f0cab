import { Rng } from '../rng.ts';
import type { Scenario } from '../scenario.ts';
import { DAY, HOUR, isHoliday, localClock, MINUTE } from '../time.ts';
import { BUCKETS, type Bucket, LAMBDA_FUNCTIONS, type LambdaFn, type SharedEni } from './cloud.ts';
import { buildHosts, type Host } from './hosts.ts';
import { ipPool } from './net.ts';
import { buildUsers, type User } from './users.ts';

export type { Bucket, LambdaFn, SharedEni } from './cloud.ts';
export type { Host, Mount } from './hosts.ts';
export type { Identity, User } from './users.ts';

/** Everything the generators draw on: fixed for a run, derived only from the scenario and seed. */
export interface World {
  scenario: Scenario;
  seed: number;
  account: string;
  region: string;
  startMs: number;
  endMs: number;
  users: User[];
  hosts: Host[];
  functions: LambdaFn[];
  buckets: Bucket[];
  vpcId: string;
  shared: SharedEni[];
  /** Canonical user id of the bucket owner (first field of S3 access logs). */
  canonicalOwner: string;
  /** Sorted deploy times (CI releases): app restarts, Lambda code updates, cold starts. */
  deploys: number[];
  /** Internet background: scanners, shoppers, CDN edges, CI runners. */
  pools: { scanners: string[]; customers: string[]; cdn: string[]; runners: string[]; known: Set<string> };
}

/** Weekday releases in the team's afternoon (UTC), none on holidays or in the year-end freeze. */
function deploySchedule(startMs: number, endMs: number, rng: Rng): number[] {
  const out: number[] = [];
  for (let day = Math.floor(startMs / DAY); day * DAY < endMs; day++) {
    const { dow } = localClock(day * DAY, 0);
    const date = new Date(day * DAY);
    const freeze =
      (date.getUTCMonth() === 11 && date.getUTCDate() >= 15) || (date.getUTCMonth() === 0 && date.getUTCDate() <= 2);
    if (dow === 0 || dow === 6 || freeze || isHoliday(day)) continue;
    const releaseDay = dow === 2 && Math.floor(day / 7) % 2 === 0;
    const n = releaseDay ? rng.int(3, 5) : rng.weighted([0.3, 0.4, 0.2, 0.1]);
    for (let i = 0; i < n; i++) {
      const t = day * DAY + 14 * HOUR + rng.range(0, 8 * HOUR);
      if (t >= startMs && t < endMs) out.push(Math.floor(t / MINUTE) * MINUTE + rng.int(0, 59) * 1000);
    }
  }
  return out.sort((a, b) => a - b);
}

export function buildWorld(scenario: Scenario): World {
  const rng = new Rng(scenario.seed, 'world');
  const { startMs, endMs, account, region } = scenario;
  const hosts = buildHosts(scenario.hosts, region, startMs, endMs, rng.fork('hosts'));
  const users = buildUsers(scenario.users, account, region, hosts, { startMs, endMs }, rng.fork('users'));
  const known = new Set<string>(users.flatMap((u) => u.ips));
  const poolRng = rng.fork('pools');
  const scanners = ipPool(poolRng, 3000, known);
  const customers = ipPool(poolRng, 4000, new Set([...known, ...scanners]));
  const r = rng.fork('estate');
  return {
    scenario,
    seed: scenario.seed,
    account,
    region,
    startMs,
    endMs,
    users,
    hosts,
    functions: LAMBDA_FUNCTIONS,
    buckets: BUCKETS,
    vpcId: `vpc-0${r.hex(16)}`,
    shared: [
      { eni: `eni-0${r.hex(16)}`, ip: '10.0.1.200', kind: 'alb' },
      { eni: `eni-0${r.hex(16)}`, ip: '10.0.2.200', kind: 'alb' },
      {
        eni: `eni-0${r.hex(16)}`,
        ip: '10.0.0.50',
        kind: 'nat',
        publicIp: `3.${r.int(208, 239)}.${r.int(0, 255)}.${r.int(1, 254)}`,
      },
    ],
    canonicalOwner: r.hex(64),
    deploys: deploySchedule(startMs, endMs, rng.fork('deploys')),
    pools: {
      scanners,
      customers,
      cdn: Array.from({ length: 64 }, () => `130.176.${r.int(0, 255)}.${r.int(1, 254)}`),
      runners: Array.from(
        { length: 48 },
        () => `${r.pick(['20.57', '4.175', '172.183', '13.105'])}.${r.int(0, 255)}.${r.int(1, 254)}`,
      ),
      known,
    },
  };
}

/** Index of the last element <= t in a sorted array, or -1. */
export function lastAtOrBefore(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
