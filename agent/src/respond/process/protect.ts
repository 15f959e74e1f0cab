import path from 'node:path';
import { anyGlob } from '../glob.ts';
import type { KillProcessConfig } from '../policy.ts';
import { PF_KTHREAD, type ProcInfo } from './procfs.ts';

/**
 * Names the responder never signals, whatever the policy says: init and systemd, sshd (including OpenSSH 9.8's
 * sshd-session), the agent, the SSM agent that manages it, container runtimes and login. A miner disguised under
 * one of these names is reported, never killed: a missed miner is cheaper than a killed sshd.
 */
export const BUILTIN_PROTECTED_NAMES = [
  'init',
  'systemd',
  'systemd-*',
  '(sd-pam)',
  'sshd',
  'sshd-*',
  'vigil*',
  'amazon-ssm-agent',
  'ssm-agent-worker',
  'ssm-session-worker',
  'containerd*',
  'dockerd',
  'kubelet',
  'agetty',
  'login',
  'dbus-daemon',
  'rsyslogd',
  'journald',
];

export interface ProtectContext {
  selfPid: number;
  selfPpid: number;
  userNames: Map<number, string>;
}

/** Why this process must not be signalled, or null. */
export function protectionReason(
  info: ProcInfo,
  allow: KillProcessConfig['allow'],
  ctx: ProtectContext,
): string | null {
  const { stat, exe } = info;
  if (stat.pid <= 1) return 'pid 1 (init) is never killed';
  if (stat.pid === ctx.selfPid) return 'the agent itself';
  if (stat.pid === ctx.selfPpid) return "the agent's parent";
  if (stat.pid === 2 || stat.ppid === 2 || (stat.flags & PF_KTHREAD) !== 0) return 'kernel thread';
  if (exe === null) return 'no readable /proc/<pid>/exe (kernel thread or hidden): not acted on';
  const names = [stat.comm, path.basename(exe.replace(/ \(deleted\)$/, ''))];
  const builtin = names.find((n) => anyGlob(BUILTIN_PROTECTED_NAMES, n));
  if (builtin) return `protected system process ${JSON.stringify(builtin)}`;
  const cleanExe = exe.replace(/ \(deleted\)$/, '');
  const exeRule = allow.exePaths.find((p) => (p.endsWith('/') ? cleanExe.startsWith(p) : cleanExe === p));
  if (exeRule) return `allowlisted exe ${exeRule}`;
  const nameRule = names.find((n) => anyGlob(allow.names, n));
  if (nameRule) return `allowlisted name ${JSON.stringify(nameRule)}`;
  for (const uid of [info.ruid, info.euid]) {
    const user = ctx.userNames.get(uid);
    if (allow.users.includes(String(uid)) || (user !== undefined && allow.users.includes(user))) {
      return `allowlisted user ${user ?? uid}`;
    }
  }
  return null;
}

/** Whether the process matches the configured miner criteria by name or command line (CPU is checked apart). */
export function matchesCriteria(info: ProcInfo, match: KillProcessConfig['match']): string | null {
  const exeBase = info.exe ? path.basename(info.exe.replace(/ \(deleted\)$/, '')) : '';
  const names = [info.stat.comm, exeBase, path.basename(info.argv0)].filter(Boolean);
  const name = names.find((n) => anyGlob(match.names, n));
  if (name) return `name ${JSON.stringify(name)}`;
  const cmd = info.cmdline.toLowerCase();
  const frag = match.cmdlineContains.find((f) => cmd.includes(f.toLowerCase()));
  return frag ? `cmdline contains ${JSON.stringify(frag)}` : null;
}
