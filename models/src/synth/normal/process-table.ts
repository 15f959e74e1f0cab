import { appEpoch, customerWeight, dailyWindow, lastBoot } from '../activity.ts';
import type { ProcSample } from '../format/samples.ts';
import { hash32, type Rng } from '../rng.ts';
import { DAY, HOUR, MINUTE } from '../time.ts';
import type { Host, World } from '../world/index.ts';

/** A process a host runs: identity stays stable within a boot (or a deploy for app processes). */
interface ProcDef {
  comm: string;
  exe: string;
  cmdline: string;
  user: string;
  ppid: number | 'master';
  /** CPU percent of one core at full activity, and what drives activity. */
  cpu: number;
  drive: 'idle' | 'customers' | 'etl' | 'backup' | 'sessions';
  memMb: number;
  restartsOnDeploy?: boolean;
  /** Runs only inside a daily window [from, to) UTC. */
  window?: [number, number];
}

const COMMON: ProcDef[] = [
  {
    comm: 'systemd',
    exe: '/usr/lib/systemd/systemd',
    cmdline: '/sbin/init',
    user: 'root',
    ppid: 0,
    cpu: 0.3,
    drive: 'idle',
    memMb: 12,
  },
  {
    comm: 'systemd-journal',
    exe: '/usr/lib/systemd/systemd-journald',
    cmdline: '/usr/lib/systemd/systemd-journald',
    user: 'root',
    ppid: 1,
    cpu: 0.6,
    drive: 'customers',
    memMb: 48,
  },
  {
    comm: 'amazon-ssm-agen',
    exe: '/snap/amazon-ssm-agent/9881/amazon-ssm-agent',
    cmdline: '/snap/amazon-ssm-agent/9881/amazon-ssm-agent',
    user: 'root',
    ppid: 1,
    cpu: 0.4,
    drive: 'idle',
    memMb: 26,
  },
  {
    comm: 'rsyslogd',
    exe: '/usr/sbin/rsyslogd',
    cmdline: '/usr/sbin/rsyslogd -n -iNONE',
    user: 'syslog',
    ppid: 1,
    cpu: 0.2,
    drive: 'customers',
    memMb: 6,
  },
  {
    comm: 'vigil-agent',
    exe: '/opt/vigil/bin/vigil-agent',
    cmdline: '/opt/vigil/bin/vigil-agent --config /etc/vigil/agent.yaml',
    user: 'root',
    ppid: 1,
    cpu: 1.5,
    drive: 'customers',
    memMb: 95,
  },
  {
    comm: 'sshd',
    exe: '/usr/sbin/sshd',
    cmdline: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
    user: 'root',
    ppid: 1,
    cpu: 0.1,
    drive: 'sessions',
    memMb: 8,
  },
];

const BY_ROLE: Record<Host['role'], ProcDef[]> = {
  web: [
    {
      comm: 'nginx',
      exe: '/usr/sbin/nginx',
      cmdline: 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;',
      user: 'root',
      ppid: 1,
      cpu: 0.2,
      drive: 'idle',
      memMb: 11,
    },
    {
      comm: 'nginx',
      exe: '/usr/sbin/nginx',
      cmdline: 'nginx: worker process',
      user: 'www-data',
      ppid: 'master',
      cpu: 14,
      drive: 'customers',
      memMb: 18,
    },
    {
      comm: 'node',
      exe: '/usr/bin/node',
      cmdline: 'node /srv/app/live/server.js',
      user: 'app',
      ppid: 1,
      cpu: 55,
      drive: 'customers',
      memMb: 310,
      restartsOnDeploy: true,
    },
  ],
  api: [
    {
      comm: 'java',
      exe: '/usr/lib/jvm/java-21-openjdk-amd64/bin/java',
      cmdline: 'java -Xms1g -Xmx3g -jar /opt/api/orders-api.jar --spring.profiles.active=prod',
      user: 'api',
      ppid: 1,
      cpu: 70,
      drive: 'customers',
      memMb: 1850,
      restartsOnDeploy: true,
    },
  ],
  db: [
    {
      comm: 'postgres',
      exe: '/usr/lib/postgresql/16/bin/postgres',
      cmdline:
        '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -c config_file=/etc/postgresql/16/main/postgresql.conf',
      user: 'postgres',
      ppid: 1,
      cpu: 2,
      drive: 'customers',
      memMb: 220,
    },
    {
      comm: 'postgres',
      exe: '/usr/lib/postgresql/16/bin/postgres',
      cmdline: 'postgres: 16/main: checkpointer',
      user: 'postgres',
      ppid: 'master',
      cpu: 1.5,
      drive: 'customers',
      memMb: 140,
    },
    {
      comm: 'postgres',
      exe: '/usr/lib/postgresql/16/bin/postgres',
      cmdline: 'postgres: 16/main: app orders 10.0.11.58(51234) idle',
      user: 'postgres',
      ppid: 'master',
      cpu: 38,
      drive: 'customers',
      memMb: 160,
    },
    {
      comm: 'pg_dump',
      exe: '/usr/lib/postgresql/16/bin/pg_dump',
      cmdline: 'pg_dump -Fc -f /var/lib/postgresql/backups/orders.dump orders',
      user: 'backup',
      ppid: 'master',
      cpu: 92,
      drive: 'backup',
      memMb: 95,
      window: [3, 4],
    },
  ],
  bastion: [
    {
      comm: 'sshd',
      exe: '/usr/sbin/sshd',
      cmdline: 'sshd: ops@pts/0',
      user: 'root',
      ppid: 'master',
      cpu: 0.5,
      drive: 'sessions',
      memMb: 9,
    },
  ],
  batch: [
    {
      comm: 'python3',
      exe: '/usr/bin/python3.12',
      cmdline: '/usr/bin/python3 /opt/etl/jobs/transform.py --date today --workers 6',
      user: 'etl',
      ppid: 1,
      cpu: 340,
      drive: 'etl',
      memMb: 5200,
      window: [1, 4],
    },
    {
      comm: 'aws',
      exe: '/usr/local/aws-cli/v2/2.24.10/dist/aws',
      cmdline: 'aws s3 sync /data/out s3://acme-data-lake/curated/orders/',
      user: 'etl',
      ppid: 1,
      cpu: 45,
      drive: 'etl',
      memMb: 160,
      window: [3, 4],
    },
  ],
};

export function processDefs(host: Host): ProcDef[] {
  return [...COMMON, ...BY_ROLE[host.role]];
}

function activity(world: World, def: ProcDef, t: number): number {
  switch (def.drive) {
    case 'customers':
      return 0.15 + 0.85 * Math.min(1.5, customerWeight(world, t));
    case 'etl':
      return 0.7 + 0.3 * dailyWindow(t, 1.5, 3.5);
    case 'backup':
      return 1;
    case 'sessions':
      return dailyWindow(t, 13, 23, 0.2);
    default:
      return 1;
  }
}

/** What the sampler sees of one process at t, or undefined when it does not run then. */
export function sampleProcess(world: World, host: Host, def: ProcDef, t: number, rng: Rng): ProcSample | undefined {
  let epoch = appEpoch(world, host.boots, t, def.restartsOnDeploy === true);
  if (def.window) {
    const dayStart = Math.floor(t / DAY) * DAY;
    const from = dayStart + def.window[0] * HOUR;
    if (t < from || t >= dayStart + def.window[1] * HOUR) return undefined;
    epoch = from + (hash32(def.cmdline, Math.floor(t / DAY)) % 300) * 1000;
  }
  const boot = lastBoot(host.boots, t);
  const key = hash32(`${host.hostname}|${def.cmdline}|${def.user}`, Math.floor(epoch / MINUTE));
  const pid = def.comm === 'systemd' && def.ppid === 0 ? 1 : 300 + (key % 90000);
  const masterPid = 300 + (hash32(`${host.hostname}|master|${def.comm}`, Math.floor(boot / MINUTE)) % 90000);
  const startTime = Math.floor(Math.max(epoch, boot) / 10) * 10 + (key % 4000);
  if (startTime > t) return undefined;
  const cpu = Math.max(0, def.cpu * activity(world, def, t) * rng.logNormal(1, 0.25));
  return {
    pid,
    ppid: def.ppid === 'master' ? masterPid : def.ppid,
    user: def.user,
    comm: def.comm,
    exe: def.exe,
    cmdline: def.cmdline,
    startTime,
    cpu,
    memMb: def.memMb * (0.85 + 0.3 * ((key % 100) / 100)) * rng.logNormal(1, 0.05),
    state: cpu > 40 && rng.chance(0.6) ? 'R' : 'S',
  };
}
