import { SYSLOG_ACTIONS as S } from '../../schema/actions.ts';
import { uint } from '../fields.ts';
import { ACCOUNT_PROGRAMS, classifyAccount } from './account.ts';
import { type Classified, other } from './classified.ts';
import { classifyKernel } from './kernel.ts';
import { classifyPackage, PACKAGE_PROGRAMS } from './packages.ts';
import { classifyPam } from './pam.ts';
import { classifyCron, classifySystemd } from './services.ts';
import { classifySshd } from './sshd.ts';
import { classifyLogin, classifyLogind, classifySu, classifySudo } from './sudo-su.ts';

type Classifier = (msg: string, program: string) => Classified;

const BY_PROGRAM = new Map<string, Classifier>([
  ['sshd', classifySshd],
  ['sshd-session', classifySshd],
  ['sshd-auth', classifySshd],
  ['sudo', classifySudo],
  ['su', classifySu],
  ['CRON', classifyCron],
  ['cron', classifyCron],
  ['crond', classifyCron],
  ['systemd', classifySystemd],
  ['systemd-logind', classifyLogind],
  ['login', classifyLogin],
  ['kernel', classifyKernel],
]);
for (const p of ACCOUNT_PROGRAMS) BY_PROGRAM.set(p, (msg, program) => classifyAccount(program, msg));
for (const p of PACKAGE_PROGRAMS) BY_PROGRAM.set(p, (msg) => classifyPackage(msg));

/** Programs whose lines belong to ec2.auth when the file name does not say (auth.log vs syslog). */
const AUTH_PROGRAMS = new Set([
  'sshd',
  'sshd-session',
  'sshd-auth',
  'sudo',
  'su',
  'login',
  'systemd-logind',
  'polkitd',
  'pkexec',
  'unix_chkpwd',
  ...ACCOUNT_PROGRAMS,
]);

export function isAuthProgram(program: string | undefined, message: string): boolean {
  if (program === undefined) return false;
  if (AUTH_PROGRAMS.has(program)) return true;
  // "sshd(pam_unix)", "su(pam_unix)" (old RHEL) and pam lines from any program (CRON's pam_unix(cron:session))
  return program.includes('(pam_') || message.startsWith('pam_');
}

/** `/usr/sbin/sshd` -> `sshd`: some syslog configs log the full path as the tag. */
function baseProgram(program: string): string {
  const slash = program.lastIndexOf('/');
  return slash >= 0 && program.charCodeAt(0) === 47 ? program.slice(slash + 1) : program;
}

/**
 * Map a syslog message to an action. Unknown messages come back with action 'other' (the caller picks auth.other or
 * syslog.other from the source). rsyslog's `message repeated N times: [ ... ]` is unwrapped (attrs.repeat = N).
 */
export function classifyMessage(program: string | undefined, message: string, nested = false): Classified {
  if (!nested && message.startsWith('message repeated ')) {
    const times = message.indexOf(' times: [');
    const n = times > 17 ? uint(message.slice(17, times)) : -1;
    if (n >= 0 && message.endsWith(']')) {
      const c = classifyMessage(program, message.slice(times + 9, -1).trim(), true);
      c.attrs ??= {};
      c.attrs.repeat = n;
      return c;
    }
  }
  if (message.startsWith('last message repeated ')) {
    const n = uint(message.slice(22, message.indexOf(' ', 22)));
    return n >= 0 ? other({ repeat: n }) : other();
  }
  const pam = classifyPam(program, message);
  if (pam !== undefined) return pam;
  const fn = program === undefined ? undefined : BY_PROGRAM.get(baseProgram(program));
  const c = fn === undefined ? other() : fn(message, baseProgram(program!));
  if (c.action === 'other' && message.includes('No space left on device')) {
    c.action = S.diskFull;
    c.outcome = 'failure';
  }
  return c;
}
