import { dailyWindow, deployActivity, humanWeight } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, NormalSource, SlotCtx } from '../engine/types.ts';
import {
  logind,
  pamAuthFailure,
  sessionLine,
  sshAccepted,
  sshBreakIn,
  sshDisconnect,
  sshFailed,
  sshInvalidUser,
  sshProbe,
  sudoCommand,
} from '../format/auth-lines.ts';
import { MINUTE, SECOND } from '../time.ts';
import type { Host, User, World } from '../world/index.ts';
import { ephemeralPort, rdnsName } from '../world/net.ts';
import { ADMIN_COMMANDS, authLine, daemonPid, pid, SCANNER_USERS } from './common.ts';

const CI_COMMANDS = [
  '/usr/bin/tar -xzf /tmp/release.tgz -C /srv/app/releases',
  '/usr/bin/ln -sfn /srv/app/releases/current /srv/app/live',
  '/usr/bin/systemctl restart app.service',
  '/usr/bin/systemctl is-active app.service',
];

/** Source IP a user reaches this host from: their own address on internet-facing hosts, the bastion otherwise. */
function originIp(world: World, host: Host, u: User, t: number): string {
  if (host.public)
    return u.role === 'ci_bot'
      ? world.pools.runners[Math.floor(t / 3_600_000) % world.pools.runners.length]
      : u.ips[Math.floor(t / 86_400_000) % u.ips.length];
  return world.hosts.find((h) => h.role === 'bastion')?.privateIp ?? u.ips[0];
}

/** An interactive session: login (sometimes after a typo), sudo work, logout. 8 + 3 per sudo command lines. */
function sessionActor(world: World, host: Host, u: User): Actor {
  const bot = u.role === 'ci_bot';
  return {
    weight: (t) => (bot ? deployActivity(world, t) * 2.5 : humanWeight(u, t) * (host.role === 'bastion' ? 0.5 : 0.25)),
    emit(t, max, ctx) {
      const r = ctx.rng;
      const typo = !bot && u.sshMethod === 'password' && r.chance(0.15);
      const sudo = bot ? r.int(2, 4) : r.chance(u.role === 'admin' || u.role === 'sre' ? 0.7 : 0.3) ? r.int(1, 3) : 0;
      const need = 8 + 3 * sudo + (typo ? 2 : 0);
      if (need > max) return 0;
      const ip = originIp(world, host, u, t);
      const port = ephemeralPort(r);
      const p = pid(r);
      const h = host.hostname;
      let ts = t;
      if (typo) {
        authLine(ctx, h, ts, pamAuthFailure(p, 'sshd', ip, u.login));
        authLine(ctx, h, ts + 2 * SECOND, sshFailed(p, u.login, false, ip, port));
        ts += r.range(4, 12) * SECOND;
      }
      authLine(ctx, h, ts, sshAccepted(p, u.login, u.sshMethod, ip, port, u.keyFingerprint));
      authLine(ctx, h, ts, sessionLine('sshd', p, true, u.login, u.uid));
      const session = r.int(1, 4000);
      const logindPid = daemonPid(host, 'systemd-logind', ts);
      authLine(ctx, h, ts + 40, logind(logindPid, 'new', session, u.login));
      const dur = bot ? r.range(40, 200) * SECOND : r.logNormal(22 * MINUTE, 0.9);
      for (let i = 0; i < sudo; i++) {
        const at = ts + ((i + 1) / (sudo + 1)) * dur;
        const cmd = bot ? CI_COMMANDS[i % CI_COMMANDS.length] : r.pick(ADMIN_COMMANDS);
        const sp = pid(r);
        authLine(ctx, h, at, sudoCommand(u.login, 'pts/0', bot ? '/srv/app' : `/home/${u.login}`, 'root', cmd));
        authLine(ctx, h, at, sessionLine('sudo', sp, true, 'root', 0, { name: u.login, uid: u.uid }));
        authLine(ctx, h, at + r.range(1, 20) * SECOND, sessionLine('sudo', sp, false, 'root', 0));
      }
      const end = ts + dur;
      authLine(ctx, h, end, sshDisconnect(p, 'byuser', ip, port));
      authLine(ctx, h, end, sshDisconnect(p, 'disconnected_user', ip, port, u.login));
      authLine(ctx, h, end, sessionLine('sshd', p, false, u.login, u.uid));
      authLine(ctx, h, end + 20, logind(logindPid, 'logout', session, u.login));
      authLine(ctx, h, end + 40, logind(logindPid, 'removed', session, u.login));
      return need;
    },
  };
}

/** cron's pam session pair, the most common auth.log line pair on any Ubuntu host. */
function cronActor(host: Host): Actor {
  const jobUser = host.role === 'batch' ? 'etl' : host.role === 'db' ? 'postgres' : 'root';
  return {
    weight: (t) => 0.9 + (host.role === 'batch' || host.role === 'db' ? dailyWindow(t, 1, 4) * 1.5 : 0),
    emit(t, max, ctx) {
      const at = Math.max(ctx.start, Math.floor(t / MINUTE) * MINUTE + ctx.rng.int(0, 2) * SECOND);
      const user = ctx.rng.chance(0.25) ? jobUser : 'root';
      const uid = user === 'root' ? 0 : 998;
      const p = pid(ctx.rng);
      authLine(ctx, host.hostname, at, sessionLine('CRON', p, true, user, uid));
      if (max < 2) return 1;
      authLine(ctx, host.hostname, at + ctx.rng.int(0, 3) * SECOND, sessionLine('CRON', p, false, user, uid));
      return 2;
    },
  };
}

/** Background internet SSH noise on public hosts: probes, single guesses, closed connections. Never labelled. */
function scannerActor(world: World, host: Host): Actor {
  return {
    weight: (t) => (host.public ? 0.7 + dailyWindow(t, 0, 6) * 0.3 : 0),
    emit(t, max, ctx) {
      const r = ctx.rng;
      const ip = r.pick(world.pools.scanners);
      const port = ephemeralPort(r);
      const p = pid(r);
      const h = host.hostname;
      const kind = r.weighted([3, 3, 2, 2, 1, 1]);
      if (kind <= 1 || max < 3) {
        if (kind === 0) authLine(ctx, h, t, sshDisconnect(p, r.chance(0.8) ? 'closed' : 'reset', ip, port));
        else authLine(ctx, h, t, sshProbe(p, ip, port, r.chance(0.3)));
        return 1;
      }
      if (kind === 2) {
        const user = r.pick(SCANNER_USERS);
        authLine(ctx, h, t, sshInvalidUser(p, user, ip, port));
        authLine(ctx, h, t + 2 * SECOND, sshFailed(p, user, true, ip, port));
        authLine(ctx, h, t + 3 * SECOND, sshDisconnect(p, 'disconnected_user', ip, port, user, true));
        return 3;
      }
      if (kind === 3) {
        authLine(ctx, h, t, pamAuthFailure(p, 'sshd', ip, 'root'));
        authLine(ctx, h, t + 2 * SECOND, sshFailed(p, 'root', false, ip, port));
        authLine(ctx, h, t + 3 * SECOND, sshDisconnect(p, 'closed_user', ip, port, 'root'));
        return 3;
      }
      if (kind === 4) {
        authLine(ctx, h, t, sshBreakIn(p, ip, rdnsName(ip, r)));
        authLine(ctx, h, t + SECOND, sshDisconnect(p, 'bye', ip, port));
        return 2;
      }
      const user = r.pick(SCANNER_USERS);
      authLine(ctx, h, t, sshInvalidUser(p, user, ip, port));
      authLine(ctx, h, t + SECOND, sshDisconnect(p, 'closed_user', ip, port, user, true));
      return 2;
    },
  };
}

export function authSource(world: World): NormalSource {
  const actors: Actor[] = [];
  for (const host of world.hosts) {
    for (const u of world.users) if (u.hosts.includes(host.hostname)) actors.push(sessionActor(world, host, u));
    actors.push(cronActor(host));
    actors.push(scannerActor(world, host));
  }
  const filler: Actor = {
    weight: () => 1,
    emit(t, _max, ctx: SlotCtx) {
      const host = ctx.rng.pick(world.hosts);
      authLine(ctx, host.hostname, t, sessionLine('CRON', pid(ctx.rng), true, 'root', 0));
      return 1;
    },
  };
  return {
    source: 'ec2.auth',
    weight: (t) => actors.reduce((s, a) => s + a.weight(t), 0),
    emit: (ctx, count, slack) => emitFromActors(actors, filler, ctx, count, slack),
  };
}
