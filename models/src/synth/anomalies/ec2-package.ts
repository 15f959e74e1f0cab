import type { Incident, PlanCtx } from '../engine/types.ts';
import { sessionLine, sudoCommand } from '../format/auth-lines.ts';
import { dpkgChange } from '../format/syslog-lines.ts';
import { authLine, pid, syslogLine } from '../normal/common.ts';
import { MINUTE, SECOND } from '../time.ts';
import { IncidentBuilder, nextLocalHour, windowAt } from './kit.ts';

const OFFENSIVE: [string, string][] = [
  ['nmap', '7.94+git20230807.3be01efb1+dfsg-3build2'],
  ['masscan', '2:1.3.2+ds1-1'],
  ['hydra', '9.5-1build2'],
  ['john', '1.9.0-2build1'],
  ['sqlmap', '1.8.4-1'],
  ['netcat-traditional', '1.10-48'],
  ['proxychains4', '4.17-1'],
  ['tor', '0.4.8.10-1build2'],
  ['hashcat', '6.2.6+ds1-1build2'],
];
const DUAL_USE: [string, string][] = [
  ['socat', '1.8.0.0-4build3'],
  ['netcat-openbsd', '1.226-1ubuntu2'],
  ['tcpdump', '4.99.4-3ubuntu4'],
  ['sshpass', '1.09-1'],
];

/** Attack tooling installed with sudo outside the maintenance window (or one dual-use tool in office hours). */
export function planUnexpectedPackage(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const users = ctx.world.users.filter((u) => u.human && u.hosts.length);
  const user = ctx.rng.pick(users.length ? users : ctx.world.users);
  const hosts = ctx.world.hosts.filter((h) => user.hosts.includes(h.hostname));
  const host = ctx.rng.pick(hosts.length ? hosts : ctx.world.hosts);
  const pkgs = ctx.rng
    .shuffle([...(slow ? DUAL_USE : OFFENSIVE)])
    .slice(0, slow ? 1 : Math.max(1, Math.round(1 + 3 * ctx.intensity)));
  // Tooling arrives at night (outside the Sunday patch window); the dual-use tool slips in during office hours.
  const anchor = slow
    ? nextLocalHour(ctx, ctx.anchor, user.tzOffsetMinutes, user.workStart, user.workEnd)
    : nextLocalHour(ctx, ctx.anchor, 0, 21, 24);
  const { start, end } = windowAt({ ...ctx, anchor }, ctx.rng.range(5, 25) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const targets = { host: host.hostname, package: pkgs[0][0], user: user.login };
  const desc = `${pkgs.map((p) => p[0]).join(', ')} installed by ${user.login} on ${host.hostname}`;
  const authLabel = b.label('ec2.auth', { kind: 'host', id: host.hostname }, start, end, desc, targets);
  const sysLabel = b.label('ec2.syslog', { kind: 'host', id: host.hostname }, start, end, desc, targets);
  const cmd = `/usr/bin/apt-get install -y ${pkgs.map((p) => p[0]).join(' ')}`;
  b.stream({
    label: authLabel,
    source: 'ec2.auth',
    units: 1,
    linesPerUnit: 3,
    start,
    end: start + SECOND * 2,
    unit(t, c) {
      const sp = pid(c.rng);
      authLine(c, host.hostname, t, sudoCommand(user.login, 'pts/0', `/home/${user.login}`, 'root', cmd), authLabel);
      authLine(
        c,
        host.hostname,
        t,
        sessionLine('sudo', sp, true, 'root', 0, { name: user.login, uid: user.uid }),
        authLabel,
      );
      authLine(c, host.hostname, t + 40 * SECOND, sessionLine('sudo', sp, false, 'root', 0), authLabel);
    },
  });
  b.stream({
    label: sysLabel,
    source: 'ec2.syslog',
    units: 1,
    linesPerUnit: pkgs.length,
    start: start + 10 * SECOND,
    end: start + 12 * SECOND,
    unit(t, c) {
      const p = pid(c.rng);
      pkgs.forEach(([name, version], i) => {
        syslogLine(c, host.hostname, t + i * 2 * SECOND, dpkgChange(p, 'install', name, '', version), sysLabel);
      });
    },
  });
  return b.build('unexpected_package', start, end);
}
