import { lastBoot } from '../activity.ts';
import type { SlotCtx } from '../engine/types.ts';
import type { SyslogMessage } from '../format/syslog.ts';
import { syslogRecord } from '../format/syslog.ts';
import { hash32, type Rng } from '../rng.ts';
import type { Host, World } from '../world/index.ts';

/** Keep a unit's later lines inside the range: the last whole second before the end. */
export function clampTs(world: World, ts: number): number {
  return Math.min(ts, world.endMs - 1000);
}

export function authLine(ctx: SlotCtx, hostname: string, ts: number, m: SyslogMessage, label?: string): void {
  ctx.sink.push(syslogRecord('ec2.auth', hostname, clampTs(ctx.world, ts), m, label));
}

export function syslogLine(ctx: SlotCtx, hostname: string, ts: number, m: SyslogMessage, label?: string): void {
  ctx.sink.push(syslogRecord('ec2.syslog', hostname, clampTs(ctx.world, ts), m, label));
}

export function pid(rng: Rng): number {
  return rng.int(1200, 64000);
}

/** A long-running daemon keeps its (low) pid until the host reboots. */
export function daemonPid(host: Host, program: string, t: number): number {
  return 300 + (hash32(`${host.hostname}|${program}`, Math.floor(lastBoot(host.boots, t) / 1000)) % 1800);
}

/** Names internet SSH scanners try (from real honeypot and OpenSSH logs). */
export const SCANNER_USERS = [
  'admin',
  'test',
  'user',
  'oracle',
  'postgres',
  'ubuntu',
  'guest',
  'ftpuser',
  'git',
  'support',
  'deploy',
  'pi',
  'test1',
  'mysql',
  'hadoop',
  'nagios',
  'jenkins',
  'minecraft',
  'steam',
  'tomcat',
  'www',
  'admin1',
  'dev',
  'ansible',
  'debian',
  'centos',
  'ec2-user',
  'solana',
  'sol',
  'validator',
  'elastic',
  'es',
  'docker',
  'kafka',
  'redis',
  'odoo',
  'teamspeak',
];

/** Commands people run with sudo day to day (benign, including curl to localhost and package queries). */
export const ADMIN_COMMANDS = [
  '/usr/bin/systemctl status nginx',
  '/usr/bin/systemctl restart app.service',
  '/usr/bin/journalctl -u app.service --since today',
  '/usr/bin/tail -n 200 /var/log/syslog',
  '/usr/bin/less /var/log/auth.log',
  '/usr/bin/apt-get update',
  '/usr/bin/apt list --upgradable',
  '/usr/bin/docker ps',
  '/usr/bin/du -sh /var/log',
  '/usr/bin/df -h',
  '/usr/bin/vim /etc/nginx/sites-available/default',
  '/usr/bin/cat /etc/hosts',
  '/usr/bin/curl -s http://localhost:8080/health',
  '/usr/bin/ss -tlnp',
  '/usr/bin/lsof -i :443',
  '/usr/bin/top -b -n 1',
  '/usr/sbin/nginx -t',
  '/usr/bin/systemctl reload nginx',
  '/usr/bin/chown -R app:app /srv/app/uploads',
  '/usr/bin/find /tmp -mtime +7 -delete',
];
