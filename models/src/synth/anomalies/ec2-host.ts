import type { DiskOverlay, Incident, PlanCtx } from '../engine/types.ts';
import type { ProcSample } from '../format/samples.ts';
import { noSpace } from '../format/syslog-lines.ts';
import { pid, syslogLine } from '../normal/common.ts';
import { emitDiskSample, normalUsedFrac } from '../normal/disk.ts';
import { emitRound } from '../normal/process.ts';
import { hash32 } from '../rng.ts';
import { DAY, HOUR, MINUTE } from '../time.ts';
import { freshIp, IncidentBuilder, sized, windowAt } from './kit.ts';

const MINERS = [
  {
    comm: 'xmrig',
    exe: '/tmp/.X11-unix/xmrig',
    args: (pool: string) =>
      `/tmp/.X11-unix/xmrig -o stratum+tcp://${pool}:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -k --donate-level 1`,
  },
  { comm: 'kdevtmpfsi', exe: '/tmp/kdevtmpfsi', args: () => '/tmp/kdevtmpfsi' },
  { comm: 'kworkerds', exe: '/dev/shm/kworkerds', args: () => '[kworker/u8:2]' },
  {
    comm: '.systemd-servi',
    exe: '/var/tmp/.systemd-service',
    args: (pool: string) => `/var/tmp/.systemd-service --url ${pool}:443 --tls --cpu-max-threads-hint=25`,
  },
];

/** A miner with sustained CPU: several cores for days, or one throttled thread for a week (low and slow). */
export function planCryptoMiner(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const hosts = ctx.world.hosts.filter((h) => h.role !== 'db');
  const host = ctx.rng.pick(hosts.length ? hosts : ctx.world.hosts);
  const miner = ctx.rng.pick(slow ? MINERS.slice(2) : MINERS);
  const pool = freshIp(ctx);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(3, 8) * DAY : ctx.rng.range(0.25, 3) * DAY);
  const minerPid = ctx.rng.int(20000, 90000);
  const cpu = slow ? ctx.rng.range(18, 35) : host.cpus * 100 * (0.55 + 0.4 * ctx.intensity);
  const user = ctx.rng.pick(
    host.role === 'web' ? ['www-data', 'app'] : host.role === 'batch' ? ['etl'] : ['api', 'ubuntu'],
  );
  const proc = (t: number): ProcSample => ({
    pid: minerPid,
    ppid: 1,
    user,
    comm: miner.comm,
    exe: miner.exe,
    cmdline: miner.args(pool),
    startTime: start,
    cpu: cpu * (0.9 + 0.2 * ((hash32(miner.comm, Math.floor(t / MINUTE)) % 1000) / 1000)),
    memMb: slow ? 180 : 2300,
    state: 'R',
  });
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'ec2.process',
    { kind: 'host', id: host.hostname },
    start,
    end,
    `${miner.comm} mining on ${host.hostname} at ${Math.round(cpu)}% CPU`,
    {
      host: host.hostname,
      pid: minerPid,
      startTime: start,
      exe: miner.exe,
    },
  );
  const overlay = { hostname: host.hostname, start, end, label, procs: (t: number) => [proc(t)], load: cpu / 100 };
  ctx.overlays.process.push(overlay);
  b.stream({
    label,
    source: 'ec2.process',
    units: sized(ctx, 3, 12, 2),
    linesPerUnit: 3,
    start: start + MINUTE,
    end,
    unit(t, c) {
      const n = emitRound(c, host, t, 3, 1, undefined, overlay);
      if (n !== 3) throw new Error(`miner round wrote ${n} lines`);
    },
  });
  return b.build('crypto_miner', start, end);
}

function fillPath(mount: string, rng: PlanCtx['rng']): string {
  if (mount === '/var/lib/postgresql') return '/var/lib/postgresql/16/main/pg_wal';
  if (mount === '/data') return '/data/tmp/spill';
  return rng.pick([
    '/var/log/app/debug.log',
    '/tmp/.cache/core.dump',
    '/var/lib/docker/overlay2',
    '/home/ubuntu/dump.tar',
  ]);
}

function fullMessage(mount: string, rng: PlanCtx['rng']): [string, string] {
  if (mount === '/var/lib/postgresql')
    return [
      'postgres',
      `PANIC:  could not write to file "pg_wal/xlogtemp.${rng.int(1000, 9999)}": No space left on device`,
    ];
  return rng.pick([
    ['java', 'java.io.IOException: No space left on device'],
    [
      'rsyslogd',
      "file '/var/log/syslog': write error - see https://www.rsyslog.com/solving-rsyslog-write-errors/ for help OS error: No space left on device [v8.2312.0 try https://www.rsyslog.com/e/2027 ]",
    ],
    ['node', 'Error: ENOSPC: No space left on device, write'],
  ]);
}

/** Usage climbing to full (runaway log, WAL pile-up, staged data), cleaned up when the label ends. */
export function planDiskFill(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const host = ctx.rng.pick(ctx.world.hosts);
  const mount = ctx.rng.pick(host.mounts);
  const growth = slow ? ctx.rng.range(3, 9) * DAY : ctx.rng.range(2, 20) * HOUR * (1.3 - ctx.intensity);
  const hold = slow ? ctx.rng.range(2, 12) * HOUR : ctx.rng.range(1, 6) * HOUR;
  const { start, end } = windowAt(ctx, growth + hold);
  const fillEnd = Math.min(start + growth, end - MINUTE);
  const peak = slow ? ctx.rng.range(0.9, 0.96) : 0.985 + 0.014 * ctx.intensity;
  const base = normalUsedFrac(ctx.world, host, mount, start);
  const path = fillPath(mount.mount, ctx.rng);
  const b = new IncidentBuilder(ctx);
  const targets = { host: host.hostname, mount: mount.mount, path };
  const label = b.label(
    'ec2.disk',
    { kind: 'host', id: host.hostname },
    start,
    end,
    `${mount.mount} on ${host.hostname} filling to ${Math.round(peak * 100)}% (${path})`,
    targets,
  );
  const overlay: DiskOverlay = {
    hostname: host.hostname,
    mount: mount.mount,
    start,
    end,
    label,
    usedFrac: (t, normal) =>
      Math.max(normal, base + (peak - base) * Math.min(1, (t - start) / (fillEnd - start)) ** (slow ? 1 : 1.4)),
  };
  ctx.overlays.disk.push(overlay);
  b.stream({
    label,
    source: 'ec2.disk',
    units: sized(ctx, 4, 14, 3),
    linesPerUnit: 1,
    start: start + MINUTE,
    end,
    unit: (t, c) => emitDiskSample(c, host, mount, t, overlay),
  });
  if (!slow) {
    const sysLabel = b.label(
      'ec2.syslog',
      { kind: 'host', id: host.hostname },
      fillEnd,
      end,
      `writes failing on full ${mount.mount} (${host.hostname})`,
      targets,
    );
    const [program, text] = fullMessage(mount.mount, ctx.rng);
    const p = pid(ctx.rng);
    b.stream({
      label: sysLabel,
      source: 'ec2.syslog',
      units: Math.max(2, Math.round(2 + 4 * ctx.intensity)),
      linesPerUnit: 1,
      start: fillEnd,
      end,
      unit: (t, c) => syslogLine(c, host.hostname, t, noSpace(program, p, text), sysLabel),
    });
  }
  return b.build('disk_fill', start, end);
}
