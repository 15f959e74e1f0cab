import { AUTH_ACTIONS as A } from '../../schema/actions.ts';
import { uint } from '../fields.ts';
import { type Classified, other, withPrincipal, withRemote } from './classified.ts';

/**
 * PAM module messages from any program: `pam_unix(sshd:auth): ...`, the pre-2008 form where the program tag carries
 * the module (`sshd(pam_unix)[pid]: authentication failure; ...`), and sshd's `PAM N more authentication failures`.
 * Returns undefined when the message is not a PAM message.
 */
export function classifyPam(program: string | undefined, msg: string): Classified | undefined {
  if (msg.startsWith('pam_')) {
    const open = msg.indexOf('(');
    const colon = open < 0 ? -1 : msg.indexOf(':', open);
    const close = colon < 0 ? -1 : msg.indexOf('): ', colon);
    if (close < 0) return undefined;
    const module = msg.slice(0, open);
    const service = msg.slice(open + 1, colon);
    const kind = msg.slice(colon + 1, close);
    return classifyBody(module, service, kind, msg.slice(close + 3));
  }
  if (program?.endsWith(')')) {
    const open = program.indexOf('(pam_');
    if (open > 0) return classifyBody(program.slice(open + 1, -1), program.slice(0, open), '', msg);
  }
  if (msg.startsWith('PAM ')) return classifySummary(program, msg);
  return undefined;
}

function classifyBody(module: string, service: string, kind: string, body: string): Classified {
  if (body.startsWith('authentication failure;')) return authFailure(service, body);
  if (body.startsWith('session opened for user ')) return session(A.sessionOpen, 'success', service, body.slice(24));
  if (body.startsWith('session closed for user ')) return session(A.sessionClose, 'unknown', service, body.slice(24));
  if (body.startsWith('password changed for ')) {
    return withPrincipal(
      { action: A.accountChange, outcome: 'unknown', resource: body.slice(21), attrs: { op: 'passwd', service } },
      body.slice(21),
    );
  }
  if (module === 'pam_succeed_if' && body.includes(' not met by user ')) {
    const q = body.lastIndexOf(' not met by user ');
    const user = body.slice(q + 17).replace(/^"|"$/g, '');
    return withPrincipal({ action: A.pamAuthFailure, outcome: 'failure', attrs: { service, module } }, user);
  }
  if (module === 'pam_faillock' || body.includes('account temporarily locked')) {
    const forUser = body.indexOf(' for user ');
    const c: Classified = { action: A.pamAuthFailure, outcome: 'failure', attrs: { service, module } };
    return forUser < 0 ? c : withPrincipal(c, body.slice(forUser + 10).split(' ')[0]);
  }
  if (
    service === 'sudo' &&
    kind === 'auth' &&
    (body.includes('could not identify password') || body === 'conversation failed')
  ) {
    const c: Classified = { action: A.sudoFailure, outcome: 'failure', attrs: { service, module } };
    const open = body.lastIndexOf('[');
    return open < 0 ? c : withPrincipal(c, body.slice(open + 1, -1));
  }
  return other({ service, module });
}

/** `authentication failure; logname=L uid=N euid=N tty=T ruser=R rhost=H [ user=U]`. */
function authFailure(service: string, body: string): Classified {
  const action = service === 'sudo' ? A.sudoFailure : A.pamAuthFailure;
  const kv = pamKv(body);
  const c: Classified = { action, outcome: 'failure', attrs: { service } };
  if (kv.logname) c.attrs!.logname = kv.logname;
  if (kv.ruser) c.attrs!.ruser = kv.ruser;
  if (kv.tty) c.attrs!.tty = kv.tty;
  return withRemote(withPrincipal(c, kv.user), kv.rhost);
}

/** `session opened for user U[(uid=N)] by [X](uid=N)` / `session closed for user U`. */
function session(action: string, outcome: Classified['outcome'], service: string, rest: string): Classified {
  let user = rest;
  let by: string | undefined;
  const byAt = rest.lastIndexOf(' by ');
  if (byAt >= 0) {
    user = rest.slice(0, byAt);
    const who = rest.slice(byAt + 4);
    const paren = who.indexOf('(');
    by = paren < 0 ? who : who.slice(0, paren);
  }
  const paren = user.indexOf('(uid=');
  if (paren > 0) user = user.slice(0, paren);
  const c: Classified = { action, outcome, attrs: { service } };
  if (by) c.attrs!.by = by;
  return withPrincipal(c, user.trimEnd());
}

/** sshd's `PAM 4 more authentication failures; logname= uid=0 ... rhost=1.2.3.4  user=root` and max-retries line. */
function classifySummary(program: string | undefined, msg: string): Classified {
  const service = program ?? 'unknown';
  const more = msg.indexOf(' more authentication failure');
  if (more > 4) {
    const count = uint(msg.slice(4, more));
    const c = authFailure(service, msg.slice(msg.indexOf(';') + 1));
    c.action = A.pamAuthFailure;
    if (count >= 0) c.attrs!.count = count;
    return c;
  }
  if (msg.includes(' ignoring max retries')) {
    const svc = msg.startsWith('PAM service(') ? msg.slice(12, msg.indexOf(')')) : service;
    return { action: svc === 'sshd' ? A.sshMaxAuth : A.pamAuthFailure, outcome: 'failure', attrs: { service: svc } };
  }
  return other({ service });
}

interface PamKv {
  logname?: string;
  tty?: string;
  ruser?: string;
  rhost?: string;
  user?: string;
}

/** Keys of pam_unix's failure line. `user=` comes last and runs to the end (user names may hold spaces). */
function pamKv(body: string): PamKv {
  const out: PamKv = {};
  const userAt = body.indexOf(' user=');
  const end = userAt < 0 ? body.length : userAt;
  if (userAt >= 0) out.user = body.slice(userAt + 6).trim();
  out.logname = kvValue(body, ' logname=', end);
  out.tty = kvValue(body, ' tty=', end);
  out.ruser = kvValue(body, ' ruser=', end);
  out.rhost = kvValue(body, ' rhost=', end);
  return out;
}

/** Value of ` key=` before `end`, up to the next space; undefined when absent or empty. */
function kvValue(body: string, key: string, end: number): string | undefined {
  const at = body.indexOf(key);
  if (at < 0 || at >= end) return undefined;
  const v0 = at + key.length;
  let v1 = body.indexOf(' ', v0);
  if (v1 < 0 || v1 > end) v1 = end;
  return v1 > v0 ? body.slice(v0, v1) : undefined;
}
