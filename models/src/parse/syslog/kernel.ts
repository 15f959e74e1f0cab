import { SYSLOG_ACTIONS as S } from '../../schema/actions.ts';
import { uint } from '../fields.ts';
import type { Classified } from './classified.ts';

/** Substrings that make a kernel line an error (storage, filesystem, memory corruption, hangs, crashes). */
const KERNEL_ERRORS = [
  'No space left on device',
  'I/O error',
  'EXT4-fs error',
  'EXT4-fs warning',
  'XFS (',
  'Remounting filesystem read-only',
  'segfault at ',
  'general protection',
  'BUG: ',
  'Oops',
  'Kernel panic',
  'Call Trace',
  'blocked for more than',
  'soft lockup',
  'hard LOCKUP',
  'hung_task',
  'Hardware Error',
  'Machine check',
  'nvme_timeout',
  'critical medium error',
  'error',
];

/**
 * kernel: OOM kills (`Out of memory: Killed process 1234 (java)`, `Memory cgroup out of memory: Kill process ...`,
 * the follow-up `Killed process ...` and `<comm> invoked oom-killer:`) -> kernel.oom; error lines -> kernel.error;
 * everything else kernel.info. A leading `[ 1234.567890]` uptime stamp is kept in the message but skipped here.
 */
export function classifyKernel(msg: string): Classified {
  let m = msg;
  if (m.charCodeAt(0) === 91) {
    const close = m.indexOf('] ');
    if (close > 0 && close < 20) m = m.slice(close + 2);
  }
  const killed = m.indexOf('Killed process ');
  if (killed >= 0) return oomVictim(m, killed + 15);
  const kill = m.indexOf('Kill process ');
  if (kill >= 0 && (m.includes('out of memory') || m.includes('Out of memory'))) return oomVictim(m, kill + 13);
  const invoked = m.indexOf(' invoked oom-killer');
  if (invoked > 0) {
    return { action: S.kernelOom, outcome: 'failure', attrs: { invoker: m.slice(0, invoked) } };
  }
  if (m.startsWith('Out of memory')) return { action: S.kernelOom, outcome: 'failure' };
  for (const e of KERNEL_ERRORS) {
    if (m.includes(e)) return { action: S.kernelError, outcome: 'failure' };
  }
  return { action: S.kernelInfo, outcome: 'unknown' };
}

/** `<pid> (<comm>) ...` after "Kill(ed) process ". */
function oomVictim(m: string, at: number): Classified {
  const c: Classified = { action: S.kernelOom, outcome: 'failure' };
  const sp = m.indexOf(' ', at);
  const pid = uint(m.slice(at, sp < 0 ? undefined : sp));
  if (pid >= 0) c.attrs = { victimPid: pid };
  if (sp > 0 && m.charCodeAt(sp + 1) === 40) {
    const close = m.indexOf(')', sp + 2);
    if (close > sp + 2) c.resource = m.slice(sp + 2, close);
  }
  return c;
}
