import { dailyWindow, deployActivity, humanWeight, inMaintenance, lastBoot } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, NormalSource, SlotCtx } from '../engine/types.ts';
import {
  cronCommand,
  daemonLine,
  dpkgChange,
  kernelInfo,
  systemdFailure,
  systemdUnit,
} from '../format/syslog-lines.ts';
import { HOUR, MINUTE, SECOND } from '../time.ts';
import { type Host, lastAtOrBefore, type World } from '../world/index.ts';
import { daemonPid, pid, syslogLine } from './common.ts';
import { BOOT_LINES, DAEMON_LINES, packageVersion, SECURITY_PACKAGES, TIMER_UNITS } from './syslog-catalog.ts';

interface CronJob {
  user: string;
  cmd: string;
  /** Minute past the hour, or -1 for every ten minutes. */
  minute: number;
  weight: (t: number) => number;
}

function cronJobs(host: Host): CronJob[] {
  const jobs: CronJob[] = [
    { user: 'root', cmd: 'command -v debian-sa1 > /dev/null && debian-sa1 1 1', minute: -10, weight: () => 1 },
    { user: 'root', cmd: '   cd / && run-parts --report /etc/cron.hourly', minute: 17, weight: () => 0.4 },
  ];
  if (host.role === 'batch') {
    jobs.push({
      user: 'etl',
      cmd: '/opt/etl/bin/run-nightly.sh >> /var/log/etl/nightly.log 2>&1',
      minute: 30,
      weight: (t) => dailyWindow(t, 1, 2) * 6,
    });
  }
  if (host.role === 'db') {
    jobs.push({
      user: 'backup',
      cmd: '/usr/local/bin/pg-backup.sh --upload s3://acme-db-backups/postgres/daily/',
      minute: 5,
      weight: (t) => dailyWindow(t, 3, 4) * 6,
    });
  }
  if (host.role === 'web') {
    jobs.push({
      user: 'root',
      cmd: "test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e 'sleep int(rand(43200))' && certbot -q renew",
      minute: 0,
      weight: (t) => dailyWindow(t, 0, 1) + dailyWindow(t, 12, 13),
    });
  }
  return jobs;
}

function cronActor(host: Host): Actor {
  const jobs = cronJobs(host);
  return {
    weight: (t) => jobs.reduce((s, j) => s + j.weight(t), 0) * 0.8,
    emit(t, _max, ctx) {
      const j = jobs[ctx.rng.weighted(jobs.map((x) => x.weight(t)))] ?? jobs[0];
      const hourStart = Math.floor(t / HOUR) * HOUR;
      const minute = j.minute < 0 ? Math.floor((t - hourStart) / (10 * MINUTE)) * 10 : j.minute;
      const at = Math.max(ctx.start, hourStart + minute * MINUTE + ctx.rng.int(0, 1) * SECOND);
      syslogLine(ctx, host.hostname, at, cronCommand(pid(ctx.rng), j.user, j.cmd));
      return 1;
    },
  };
}

/** systemd timers (apt-daily, logrotate, man-db...) starting and finishing. */
function timerActor(host: Host): Actor {
  return {
    weight: (t) => 0.3 + dailyWindow(t, 0, 1) + dailyWindow(t, 6, 7),
    emit(t, max, ctx) {
      const unit = ctx.rng.pick(TIMER_UNITS);
      syslogLine(ctx, host.hostname, t, systemdUnit('starting', unit[0], unit[1]));
      if (max < 2) return 1;
      syslogLine(ctx, host.hostname, t + ctx.rng.range(1, 40) * SECOND, systemdUnit('started', unit[0], unit[1]));
      return 2;
    },
  };
}

/** Release restarts of the application unit on web and api hosts. */
function deployActor(world: World, host: Host): Actor {
  const unit: [string, string] =
    host.role === 'api' ? ['orders-api.service', 'Acme orders API'] : ['app.service', 'Acme web application'];
  return {
    weight: (t) => (host.role === 'web' || host.role === 'api' ? deployActivity(world, t) * 3 : 0),
    emit(t, max, ctx) {
      if (max < 3) return 0;
      syslogLine(ctx, host.hostname, t, systemdUnit('stopped', unit[0], unit[1]));
      syslogLine(ctx, host.hostname, t + SECOND, systemdUnit('starting', unit[0], unit[1]));
      syslogLine(ctx, host.hostname, t + ctx.rng.range(2, 9) * SECOND, systemdUnit('started', unit[0], unit[1]));
      return 3;
    },
  };
}

/** Security updates: unattended-upgrades around 06:00 and the Sunday window; rarely an admin installs a tool. */
function packageActor(world: World, host: Host): Actor {
  const admins = world.users.filter((u) => u.role === 'admin' || u.role === 'sre');
  return {
    weight: (t) =>
      dailyWindow(t, 6, 7) * 0.6 +
      (inMaintenance(t) ? 3 : 0) +
      admins.reduce((s, u) => s + humanWeight(u, t), 0) * 0.01,
    emit(t, max, ctx) {
      const r = ctx.rng;
      const routine = dailyWindow(t, 6, 7) > 0 || inMaintenance(t);
      const month = new Date(t).getUTCMonth();
      if (!routine) {
        const [pkg, version] = r.pick([
          ['jq', '1.7.1-3build1'],
          ['htop', '3.3.0-4build1'],
          ['postgresql-client-16', '16.6-0ubuntu0.24.04.1'],
          ['tree', '2.1.1-2ubuntu3'],
        ]);
        syslogLine(ctx, host.hostname, t, dpkgChange(pid(r), 'install', pkg, '', version));
        return 1;
      }
      const n = Math.min(max, r.int(1, 5));
      const p = pid(r);
      for (let i = 0; i < n; i++) {
        const pkg = r.pick(SECURITY_PACKAGES);
        syslogLine(
          ctx,
          host.hostname,
          t + i * r.range(1, 6) * SECOND,
          dpkgChange(p, 'upgrade', pkg[0], packageVersion(pkg[1], month), packageVersion(pkg[1], month + 1)),
        );
      }
      return n;
    },
  };
}

/** The kernel and systemd chatter of a boot, at the boot time after a maintenance reboot. */
function bootActor(host: Host): Actor {
  const bootIn = (from: number, to: number) => {
    const i = lastAtOrBefore(host.boots, to - 1);
    return i > 0 && host.boots[i] >= from ? host.boots[i] : Number.NaN;
  };
  return {
    weight: (t) => (Number.isNaN(bootIn(t - HOUR / 2, t + HOUR / 2)) ? 0 : 40),
    emit(_t, max, ctx) {
      const boot = bootIn(ctx.start, ctx.end);
      if (Number.isNaN(boot)) return 0;
      const n = Math.min(max, ctx.rng.int(2, 6));
      for (let i = 0; i < n; i++) {
        const text = ctx.rng.pick(BOOT_LINES).replace('{fs}', host.mounts[0].fs.replace('/dev/', ''));
        const at = boot + ctx.rng.range(0, 25) * SECOND;
        syslogLine(ctx, host.hostname, at, kernelInfo(boot, at, text));
      }
      return n;
    },
  };
}

/** ssm-agent, chronyd, resolved, snapd and firewall chatter; rare benign service crash-and-restart. */
function daemonActor(world: World, host: Host): Actor {
  return {
    weight: () => 1.1 + (host.public ? 0.5 : 0),
    emit(t, max, ctx) {
      const r = ctx.rng;
      if (r.chance(0.004) && max >= 3) {
        const unit = host.role === 'db' ? 'postgresql@16-main.service' : 'amazon-cloudwatch-agent.service';
        syslogLine(ctx, host.hostname, t, systemdFailure(unit, 'exited', r.pick([1, 2, 137])));
        syslogLine(ctx, host.hostname, t, systemdFailure(unit, 'result'));
        syslogLine(ctx, host.hostname, t + 5 * SECOND, systemdUnit('started', unit, 'restart after failure'));
        return 3;
      }
      if (host.public && r.chance(0.35)) {
        const boot = lastBoot(host.boots, t);
        const src = r.pick(world.pools.scanners);
        const dpt = r.pick([23, 445, 3389, 5900, 6379, 8088, 9200, 2375]);
        syslogLine(
          ctx,
          host.hostname,
          t,
          kernelInfo(
            boot,
            t,
            `[UFW BLOCK] IN=ens5 OUT= MAC=0a:ff:d3:41:9e:7b:0a:1c:5b:3e:88:21:08:00 SRC=${src} DST=${host.privateIp} LEN=44 TOS=0x00 PREC=0x00 TTL=${r.int(40, 250)} ID=${r.int(1, 65535)} PROTO=TCP SPT=${r.int(1024, 65535)} DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0`,
          ),
        );
        return 1;
      }
      const [program, text] = r.pick(DAEMON_LINES);
      syslogLine(ctx, host.hostname, t, daemonLine(program, daemonPid(host, program, t), text));
      return 1;
    },
  };
}

export function syslogSource(world: World): NormalSource {
  const actors: Actor[] = [];
  for (const host of world.hosts) {
    actors.push(
      cronActor(host),
      timerActor(host),
      deployActor(world, host),
      packageActor(world, host),
      bootActor(host),
      daemonActor(world, host),
    );
  }
  const filler: Actor = {
    weight: () => 1,
    emit(t, _max, ctx: SlotCtx) {
      const host = ctx.rng.pick(world.hosts);
      syslogLine(
        ctx,
        host.hostname,
        t,
        daemonLine('chronyd', daemonPid(host, 'chronyd', t), 'Selected source 169.254.169.123'),
      );
      return 1;
    },
  };
  return {
    source: 'ec2.syslog',
    weight: (t) => actors.reduce((s, a) => s + a.weight(t), 0),
    emit: (ctx, count, slack) => emitFromActors(actors, filler, ctx, count, slack),
  };
}
