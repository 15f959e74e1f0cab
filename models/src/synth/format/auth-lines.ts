import { AUTH_ACTIONS as A } from '../../schema/actions.ts';
import type { SyslogMessage } from './syslog.ts';

/**
 * sshd / pam / sudo / logind message variants as OpenSSH 8-9 and sudo 1.9 on Ubuntu write them, each with the event
 * fields docs/log-contract.md assigns. `attrs.invalidUser` is set on lines about a user name (true when the text
 * says "invalid user"), `attrs.method` on Accepted/Failed lines.
 */

export type SshMethod = 'password' | 'publickey' | 'keyboard-interactive/pam' | 'none';

export function sshAccepted(pid: number, user: string, method: SshMethod, ip: string, port: number, key?: string) {
  const suffix = method === 'publickey' && key ? `: ED25519 ${key}` : '';
  return {
    program: 'sshd',
    pid,
    message: `Accepted ${method} for ${user} from ${ip} port ${port} ssh2${suffix}`,
    action: A.sshLogin,
    outcome: 'success',
    principal: user,
    srcIp: ip,
    srcPort: port,
    attrs: { method },
  } satisfies SyslogMessage;
}

export function sshFailed(
  pid: number,
  user: string,
  invalid: boolean,
  ip: string,
  port: number,
  method: SshMethod = 'password',
) {
  return {
    program: 'sshd',
    pid,
    message: `Failed ${method} for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2`,
    action: A.sshFailed,
    outcome: 'failure',
    principal: user,
    srcIp: ip,
    srcPort: port,
    attrs: { method, invalidUser: invalid },
  } satisfies SyslogMessage;
}

export function sshInvalidUser(pid: number, user: string, ip: string, port: number) {
  return {
    program: 'sshd',
    pid,
    message: `Invalid user ${user} from ${ip} port ${port}`,
    action: A.sshInvalidUser,
    outcome: 'failure',
    principal: user,
    srcIp: ip,
    srcPort: port,
    attrs: { invalidUser: true },
  } satisfies SyslogMessage;
}

/** pam_unix(sshd:auth) failure; unknown users have no `user=` part (as in real logs). */
export function pamAuthFailure(pid: number, service: 'sshd' | 'sudo', ip: string | undefined, user?: string, uid = 0) {
  const tty = service === 'sshd' ? 'ssh' : '/dev/pts/0';
  const rhost = ip ?? '';
  return {
    program: service,
    pid: service === 'sshd' ? pid : undefined,
    message: `pam_unix(${service}:auth): authentication failure; logname=${service === 'sudo' ? (user ?? '') : ''} uid=${uid} euid=0 tty=${tty} ruser=${service === 'sudo' ? (user ?? '') : ''} rhost=${rhost}${user ? `  user=${user}` : ''}`,
    action: A.pamAuthFailure,
    outcome: 'failure',
    principal: user,
    srcIp: ip,
    attrs: { service },
  } satisfies SyslogMessage;
}

export function pamMoreFailures(pid: number, count: number, ip: string, user?: string) {
  return {
    program: 'sshd',
    pid,
    message: `PAM ${count} more authentication failure${count === 1 ? '' : 's'}; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}${user ? `  user=${user}` : ''}`,
    action: A.pamAuthFailure,
    outcome: 'failure',
    principal: user,
    srcIp: ip,
    attrs: { service: 'sshd', count },
  } satisfies SyslogMessage;
}

export function sshMaxAuth(pid: number, user: string, invalid: boolean, ip: string, port: number) {
  return {
    program: 'sshd',
    pid,
    message: `error: maximum authentication attempts exceeded for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2 [preauth]`,
    action: A.sshMaxAuth,
    outcome: 'failure',
    principal: user,
    srcIp: ip,
    srcPort: port,
    attrs: { invalidUser: invalid },
  } satisfies SyslogMessage;
}

export function sshBreakIn(pid: number, ip: string, rdns: string) {
  return {
    program: 'sshd',
    pid,
    message: `reverse mapping checking getaddrinfo for ${rdns} [${ip}] failed - POSSIBLE BREAK-IN ATTEMPT!`,
    action: A.sshBreakIn,
    outcome: 'failure',
    srcIp: ip,
  } satisfies SyslogMessage;
}

type DisconnectKind = 'bye' | 'closed' | 'closed_user' | 'byuser' | 'disconnected_user' | 'reset';

/** The ways a session or a pre-auth connection ends; `user` is the user the text names, if any. */
export function sshDisconnect(
  pid: number,
  kind: DisconnectKind,
  ip: string,
  port: number,
  user?: string,
  invalid = false,
) {
  const who = user
    ? `${invalid ? 'invalid user' : kind === 'closed_user' ? 'authenticating user' : 'user'} ${user} `
    : '';
  const message = {
    bye: `Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`,
    closed: `Connection closed by ${ip} port ${port} [preauth]`,
    closed_user: `Connection closed by ${who}${ip} port ${port} [preauth]`,
    byuser: `Received disconnect from ${ip} port ${port}:11: disconnected by user`,
    disconnected_user: `Disconnected from ${who}${ip} port ${port}${invalid ? ' [preauth]' : ''}`,
    reset: `Connection reset by ${ip} port ${port} [preauth]`,
  }[kind];
  const named = kind === 'closed_user' || kind === 'disconnected_user';
  return {
    program: 'sshd',
    pid,
    message,
    action: A.sshDisconnect,
    outcome: 'unknown',
    principal: named ? user : undefined,
    srcIp: ip,
    srcPort: port,
    attrs: named && user && invalid ? { invalidUser: true } : undefined,
  } satisfies SyslogMessage;
}

export function sshProbe(pid: number, ip: string, port: number, banner: boolean) {
  return {
    program: 'sshd',
    pid,
    message: banner
      ? `banner exchange: Connection from ${ip} port ${port}: invalid format`
      : `Did not receive identification string from ${ip} port ${port}`,
    action: A.sshProbe,
    outcome: 'unknown',
    srcIp: ip,
    srcPort: port,
  } satisfies SyslogMessage;
}

/** pam_unix session lines for sshd, cron, sudo and su (Ubuntu 22.04+ adds the uid in parentheses). */
export function sessionLine(
  program: 'sshd' | 'CRON' | 'sudo' | 'su',
  pid: number | undefined,
  open: boolean,
  user: string,
  uid: number,
  by?: { name: string; uid: number },
) {
  const service = program === 'CRON' ? 'cron' : program;
  // sudo logs without a pid (`sudo: pam_unix(sudo:session): ...`); sshd, CRON and su include theirs.
  const message = open
    ? `pam_unix(${service}:session): session opened for user ${user}(uid=${uid}) by ${by ? `${by.name}(uid=${by.uid})` : '(uid=0)'}`
    : `pam_unix(${service}:session): session closed for user ${user}`;
  return {
    program,
    pid: program === 'sudo' ? undefined : pid,
    message,
    action: open ? A.sessionOpen : A.sessionClose,
    outcome: open ? 'success' : 'unknown',
    principal: user,
    attrs: { service },
  } satisfies SyslogMessage;
}

/** sudo pads the invoking user to 8 characters; `message` is the text after the padding. */
export function sudoCommand(user: string, tty: string, pwd: string, runAs: string, command: string) {
  return {
    program: 'sudo',
    message: `${user} : TTY=${tty} ; PWD=${pwd} ; USER=${runAs} ; COMMAND=${command}`,
    padding: Math.max(0, 8 - user.length),
    action: A.sudoCommand,
    outcome: 'success',
    principal: user,
    resource: command,
    attrs: { runAs, tty, pwd },
  } satisfies SyslogMessage;
}

export function sudoFailure(user: string, attempts: number, tty: string, pwd: string, runAs: string, command: string) {
  return {
    program: 'sudo',
    padding: Math.max(0, 8 - user.length),
    message: `${user} : ${attempts} incorrect password attempt${attempts === 1 ? '' : 's'} ; TTY=${tty} ; PWD=${pwd} ; USER=${runAs} ; COMMAND=${command}`,
    action: A.sudoFailure,
    outcome: 'failure',
    principal: user,
    resource: command,
    attrs: { runAs, tty, pwd },
  } satisfies SyslogMessage;
}

/** useradd's record of a new account (principal and resource = the account created). */
export function userAdded(pid: number, name: string, uid: number, home: string) {
  return {
    program: 'useradd',
    pid,
    message: `new user: name=${name}, UID=${uid}, GID=${uid}, home=${home}, shell=/bin/bash, from=/dev/pts/1`,
    action: A.accountChange,
    outcome: 'unknown',
    principal: name,
    resource: name,
    attrs: { op: 'useradd' },
  } satisfies SyslogMessage;
}

/**
 * systemd-logind bookkeeping. "New session" opens a session for the user and "Removed session" closes it
 * (service systemd-logind); "logged out" matches no specific rule (auth.other; the parser adds a template id).
 */
export function logind(pid: number, kind: 'new' | 'logout' | 'removed', session: number, user: string): SyslogMessage {
  if (kind === 'new') {
    return {
      program: 'systemd-logind',
      pid,
      message: `New session ${session} of user ${user}.`,
      action: A.sessionOpen,
      outcome: 'success',
      principal: user,
      attrs: { service: 'systemd-logind' },
    };
  }
  if (kind === 'removed') {
    return {
      program: 'systemd-logind',
      pid,
      message: `Removed session ${session}.`,
      action: A.sessionClose,
      outcome: 'unknown',
      attrs: { service: 'systemd-logind' },
    };
  }
  return {
    program: 'systemd-logind',
    pid,
    message: `Session ${session} logged out. Waiting for processes to exit.`,
    action: A.other,
    outcome: 'unknown',
  };
}
