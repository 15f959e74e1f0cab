import { SYSLOG_ACTIONS as S } from '../../schema/actions.ts';
import type { SyslogMessage } from './syslog.ts';

/** /var/log/syslog message variants (CRON, systemd 255 as on Ubuntu 24.04, dpkg, kernel, daemons). */

export function cronCommand(pid: number, user: string, command: string) {
  return {
    program: 'CRON',
    pid,
    message: `(${user}) CMD (${command})`,
    action: S.cronCommand,
    outcome: 'unknown',
    principal: user,
    resource: command,
  } satisfies SyslogMessage;
}

export type ServiceEvent = 'starting' | 'started' | 'stopped';

/** systemd unit lifecycle, `Starting nginx.service - Description...` (resource = unit name). */
export function systemdUnit(event: ServiceEvent, unit: string, description: string) {
  const message =
    event === 'starting'
      ? `Starting ${unit} - ${description}...`
      : event === 'started'
        ? `Started ${unit} - ${description}.`
        : `Stopped ${unit} - ${description}.`;
  return {
    program: 'systemd',
    pid: 1,
    message,
    action: event === 'stopped' ? S.serviceStop : S.serviceStart,
    outcome: event === 'stopped' ? 'unknown' : 'success',
    resource: unit,
  } satisfies SyslogMessage;
}

export function systemdFailure(unit: string, kind: 'exited' | 'result', status = 1) {
  return {
    program: 'systemd',
    pid: 1,
    message:
      kind === 'exited'
        ? `${unit}: Main process exited, code=exited, status=${status}/FAILURE`
        : `${unit}: Failed with result 'exit-code'.`,
    action: S.serviceFail,
    outcome: 'failure',
    resource: unit,
  } satisfies SyslogMessage;
}

/**
 * dpkg's own record (`install PKG:ARCH OLD NEW`, as in /var/log/dpkg.log), forwarded to syslog under the dpkg tag.
 * resource = package name without the architecture; attrs.version = the version after the change (the removed
 * version for `remove`).
 */
export function dpkgChange(pid: number, op: 'install' | 'upgrade' | 'remove', pkg: string, from: string, to: string) {
  const version = op === 'remove' ? from : to;
  return {
    program: 'dpkg',
    pid,
    message: `${op} ${pkg}:amd64 ${op === 'install' ? '<none>' : from} ${op === 'remove' ? '<none>' : to}`,
    action: S.packageChange,
    outcome: 'success',
    resource: pkg,
    attrs: { op, version },
  } satisfies SyslogMessage;
}

function uptime(bootMs: number, ts: number): string {
  const s = Math.max(0, (ts - bootMs) / 1000);
  return `[${s.toFixed(6).padStart(12)}]`;
}

export function kernelOom(bootMs: number, ts: number, victimPid: number, comm: string, rssKb: number) {
  return {
    program: 'kernel',
    message: `${uptime(bootMs, ts)} Out of memory: Killed process ${victimPid} (${comm}) total-vm:${rssKb * 3}kB, anon-rss:${rssKb}kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:${Math.round(rssKb / 500)}kB oom_score_adj:0`,
    action: S.kernelOom,
    outcome: 'failure',
    resource: comm,
    attrs: { victimPid },
  } satisfies SyslogMessage;
}

export function kernelError(bootMs: number, ts: number, text: string) {
  return {
    program: 'kernel',
    message: `${uptime(bootMs, ts)} ${text}`,
    action: S.kernelError,
    outcome: 'failure',
  } satisfies SyslogMessage;
}

export function kernelInfo(bootMs: number, ts: number, text: string) {
  return {
    program: 'kernel',
    message: `${uptime(bootMs, ts)} ${text}`,
    action: S.kernelInfo,
    outcome: 'unknown',
  } satisfies SyslogMessage;
}

/** An application reporting ENOSPC: disk.full from any program that is not the kernel. */
export function noSpace(program: string, pid: number, text: string) {
  return { program, pid, message: text, action: S.diskFull, outcome: 'failure' } satisfies SyslogMessage;
}

/** Daemon chatter no rule names (syslog.other; the parser adds its template id). */
export function daemonLine(program: string, pid: number, text: string) {
  return { program, pid, message: text, action: S.other, outcome: 'unknown' } satisfies SyslogMessage;
}
