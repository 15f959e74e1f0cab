import { AUTH_ACTIONS as A } from '../../schema/actions.ts';
import { type Classified, other, withPrincipal } from './classified.ts';

const SUDO_FAILURES = [
  'incorrect password attempt',
  'user NOT in sudoers',
  'command not allowed',
  'a password is required',
  'user NOT authorized on host',
  'unknown user',
  'authentication failure',
];

/**
 * sudo: `U : TTY=t ; PWD=p ; USER=r ; [GROUP=g ; ][TSID=.. ; ][ENV=.. ; ]COMMAND=c` (sudo.command) and the same with a
 * leading reason segment (`3 incorrect password attempts ; ...`, sudo.failure). COMMAND runs to the end of the line:
 * commands may contain ` ; ` themselves.
 */
export function classifySudo(msg: string): Classified {
  const colon = msg.indexOf(' : ');
  if (colon <= 0) return other();
  const user = msg.slice(0, colon).trim();
  let rest = msg.slice(colon + 3);
  if (rest.startsWith('(command continued)')) return withPrincipal(other({ continued: true }), user);
  const attrs: Classified['attrs'] = {};
  let command: string | undefined;
  let reason: string | undefined;
  let first = true;
  while (rest.length > 0) {
    if (rest.startsWith('COMMAND=')) {
      command = rest.slice(8);
      break;
    }
    const semi = rest.indexOf(' ; ');
    const seg = semi < 0 ? rest : rest.slice(0, semi);
    rest = semi < 0 ? '' : rest.slice(semi + 3);
    const eq = seg.indexOf('=');
    const key = eq > 0 ? seg.slice(0, eq) : '';
    if (key === 'TTY') attrs.tty = seg.slice(4);
    else if (key === 'PWD') attrs.pwd = seg.slice(4);
    else if (key === 'USER') attrs.runAs = seg.slice(5);
    else if (key === 'GROUP') attrs.runAsGroup = seg.slice(6);
    else if (first && !/^[A-Z]+=/.test(seg)) reason = seg;
    first = false;
  }
  const failed = reason !== undefined && SUDO_FAILURES.some((f) => reason.includes(f));
  if (reason !== undefined) attrs.reason = reason;
  if (command === undefined && !failed) return withPrincipal(other(attrs), user);
  const c: Classified = failed
    ? { action: A.sudoFailure, outcome: 'failure', attrs }
    : { action: A.sudoCommand, outcome: 'success', attrs };
  if (command !== undefined && command !== '') c.resource = command;
  return withPrincipal(c, user);
}

/**
 * su: `Successful su for X by Y`, `FAILED su for X by Y`, `(to X) Y on TTY`, `FAILED SU (to X) Y on TTY` and the old
 * `+ TTY Y:X` / `- TTY Y:X`. principal = the user who ran su (like sudo's invoking user), attrs.runAs = the target.
 * Outcome follows the contract: failure for FAILED lines, unknown otherwise.
 */
export function classifySu(msg: string): Classified {
  let failed = false;
  let target: string | undefined;
  let actor: string | undefined;
  let tty: string | undefined;
  let m = msg;
  if (m.startsWith('FAILED SU ')) {
    failed = true;
    m = m.slice(10);
  }
  if (m.startsWith('Successful su for ') || m.startsWith('FAILED su for ')) {
    failed = m.charCodeAt(0) === 70;
    const rest = m.slice(failed ? 14 : 18);
    const by = rest.lastIndexOf(' by ');
    if (by < 0) return other();
    target = rest.slice(0, by);
    actor = rest.slice(by + 4);
  } else if (m.startsWith('(to ')) {
    const close = m.indexOf(') ');
    if (close < 0) return other();
    target = m.slice(4, close);
    const rest = m.slice(close + 2);
    const on = rest.lastIndexOf(' on ');
    actor = on < 0 ? rest : rest.slice(0, on);
    tty = on < 0 ? undefined : rest.slice(on + 4);
  } else if ((m.startsWith('+ ') || m.startsWith('- ')) && m.indexOf(':') > 2) {
    failed = m.charCodeAt(0) === 45;
    const sp = m.indexOf(' ', 2);
    tty = m.slice(2, sp);
    const pair = m.slice(sp + 1);
    const colon = pair.indexOf(':');
    actor = pair.slice(0, colon);
    target = pair.slice(colon + 1);
  } else return other();
  const c: Classified = { action: A.su, outcome: failed ? 'failure' : 'unknown', attrs: {} };
  if (target) c.attrs!.runAs = target;
  if (tty) c.attrs!.tty = tty;
  return withPrincipal(c, actor);
}

/** systemd-logind: `New session N of user U.` / `Removed session N.` */
export function classifyLogind(msg: string): Classified {
  if (msg.startsWith('New session ')) {
    const of = msg.indexOf(' of user ');
    if (of < 0) return other();
    const c: Classified = {
      action: A.sessionOpen,
      outcome: 'success',
      attrs: { service: 'systemd-logind', sessionId: msg.slice(12, of) },
    };
    return withPrincipal(c, msg.slice(of + 9).replace(/\.$/, ''));
  }
  if (msg.startsWith('Removed session ')) {
    return {
      action: A.sessionClose,
      outcome: 'unknown',
      attrs: { service: 'systemd-logind', sessionId: msg.slice(16).replace(/\.$/, '') },
    };
  }
  return other({ service: 'systemd-logind' });
}

/** login(1): `ROOT LOGIN ON tty2`, `LOGIN ON tty1 BY alice`, `FAILED LOGIN (1) on '/dev/tty1' FOR 'alice', ...`. */
export function classifyLogin(msg: string): Classified {
  if (msg.startsWith('FAILED LOGIN')) {
    const forAt = msg.indexOf(" FOR '");
    const end = forAt < 0 ? -1 : msg.indexOf("'", forAt + 6);
    const c: Classified = { action: 'other', outcome: 'failure', attrs: { service: 'login' } };
    return end < 0 ? c : withPrincipal(c, msg.slice(forAt + 6, end));
  }
  const by = msg.lastIndexOf(' BY ');
  const c = other({ service: 'login' });
  if (by >= 0) return withPrincipal(c, msg.slice(by + 4));
  if (msg.startsWith('ROOT LOGIN')) return withPrincipal(c, 'root');
  return c;
}
