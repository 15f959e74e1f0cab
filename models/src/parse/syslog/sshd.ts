import { AUTH_ACTIONS as A } from '../../schema/actions.ts';
import { uint } from '../fields.ts';
import {
  type Classified,
  endpointAt,
  other,
  splitFrom,
  trailingUserEndpoint,
  withPrincipal,
  withRemote,
} from './classified.ts';

/**
 * OpenSSH server messages (sshd, sshd-session) -> auth actions. Variants follow OpenSSH 4.x-9.x wording, including the
 * LogLevel VERBOSE lines and the forms with "authenticating user"/"invalid user". Everything a client sends (user
 * name, banner) is parsed from the right so it cannot spoof the peer address.
 */
export function classifySshd(msg: string): Classified {
  let body = msg;
  let preauth = false;
  if (body.endsWith(' [preauth]')) {
    body = body.slice(0, -10);
    preauth = true;
  }
  const c = classifyBody(body);
  if (preauth) {
    c.attrs ??= {};
    c.attrs.preauth = true;
  }
  return c;
}

function classifyBody(m: string): Classified {
  switch (m.charCodeAt(0)) {
    case 65: // A
      if (m.startsWith('Accepted ')) return authResult(m, 9, A.sshLogin, 'success');
      break;
    case 70: // F
      if (m.startsWith('Failed ')) return authResult(m, 7, A.sshFailed, 'failure');
      break;
    case 73: // I
      if (m.startsWith('Invalid user ')) return invalidUser(m, 13);
      break;
    case 105: // i
      if (m.startsWith('input_userauth_request: invalid user ')) {
        return withPrincipal(failure(A.sshInvalidUser, { invalidUser: true }), m.slice(37));
      }
      if (m.startsWith('illegal user ')) return invalidUser(m, 13);
      break;
    case 67: // C
      if (m.startsWith('Connection closed by ')) return disconnect(m.slice(21), 'closed');
      if (m.startsWith('Connection reset by ')) return disconnect(m.slice(20), 'reset');
      if (m.startsWith('Connection from ')) return remoteOther(m, 16);
      break;
    case 68: // D
      if (m.startsWith('Disconnected from ')) return disconnect(m.slice(18), 'disconnected');
      if (m.startsWith('Did not receive identification string from ')) return probe(m, 43);
      if (m.startsWith('Disconnecting')) return disconnecting(m);
      break;
    case 82: // R
      if (m.startsWith('Received disconnect from ')) return receivedDisconnect(m, 25);
      break;
    case 114: // r
      if (m.startsWith('reverse mapping checking getaddrinfo for ')) return reverseMapping(m);
      break;
    case 101: // e
      if (m.startsWith('error: ')) return classifyError(m);
      break;
    case 102: // f
      if (m.startsWith('fatal: ')) return classifyFatal(m);
      break;
    case 85: // U
      if (m.startsWith('User ')) return notAllowed(m);
      if (m.startsWith('Unable to negotiate with ')) return probe(m, 25);
      break;
  }
  if (m.includes('POSSIBLE BREAK-IN ATTEMPT')) return breakIn(m);
  if (m.startsWith('Bad protocol version identification ')) return probeFromTail(m);
  if (m.startsWith('banner exchange: Connection from ')) return probeUserPeer(m.slice(33));
  if (m.startsWith('kex_exchange_identification: ') || m.startsWith('Protocol major versions differ')) {
    return probeFromTail(m);
  }
  if (m.startsWith('ssh_dispatch_run_fatal: Connection from ')) return probeUserPeer(m.slice(40));
  if (m.startsWith('subsystem request for ')) return subsystem(m);
  if (m.startsWith('Bad packet length') || m.startsWith('Corrupted MAC on input')) return probe(m, -1);
  if (m.startsWith('drop connection #')) return probeFromTail(m);
  if (m.startsWith('Timeout, client not responding')) return timeout(m);
  if (m.startsWith('Postponed ')) return postponed(m);
  return remoteOther(m, -1);
}

function failure(action: string, attrs?: Classified['attrs']): Classified {
  return attrs ? { action, outcome: 'failure', attrs } : { action, outcome: 'failure' };
}

/** `Accepted|Failed <method> for [invalid user ]<user> from <ip> port <p> ssh2[: <key>]`. */
function authResult(m: string, at: number, action: string, outcome: Classified['outcome']): Classified {
  const sp = m.indexOf(' for ', at);
  const ep = sp < 0 ? undefined : splitFrom(m.slice(sp + 5));
  if (ep === undefined) return remoteOther(m, -1);
  const method = m.slice(at, sp);
  let user = ep.head;
  let invalid = false;
  if (user.startsWith('invalid user ') || user.startsWith('illegal user ')) {
    user = user.slice(13);
    invalid = true;
  }
  const c: Classified = { action, outcome, attrs: { method } };
  if (action === A.sshFailed) c.attrs!.invalidUser = invalid;
  else if (invalid) c.attrs!.invalidUser = true;
  return withRemote(withPrincipal(c, user), ep.host, ep.port);
}

/** `Invalid user <user> from <ip>[ port <p>]` (user may be empty or contain spaces). */
function invalidUser(m: string, at: number): Classified {
  const ep = splitFrom(m.slice(at - 1));
  const c = failure(A.sshInvalidUser, { invalidUser: true });
  if (ep === undefined) return withPrincipal(c, m.slice(at));
  return withRemote(withPrincipal(c, ep.head.slice(1)), ep.host, ep.port);
}

function disconnect(rest: string, kind: string): Classified {
  const c: Classified = { action: A.sshDisconnect, outcome: 'unknown', attrs: { kind } };
  if (rest === 'peer' || rest.startsWith('peer')) return c;
  const { user, host, port } = trailingUserEndpoint(rest);
  if (rest.includes('invalid user ')) c.attrs!.invalidUser = true;
  return withRemote(withPrincipal(c, user), host, port);
}

/** `Received disconnect from <ip>[ port <p>]:<code>: <reason>` and the older `from <ip>: <code>: <reason>`. */
function receivedDisconnect(m: string, at: number): Classified {
  const ep = endpointAt('', m, at);
  // new form: "from <ip> port <p>:<code>: <reason>"; old form: "from <ip>: <code>: <reason>"
  const colon = ep.port !== undefined ? m.indexOf(':', at) : m.indexOf(': ', at);
  const attrs: Classified['attrs'] = { kind: 'received' };
  if (colon > 0) {
    const rest = m.slice(colon + 1).trimStart();
    const c2 = rest.indexOf(': ');
    const code = c2 > 0 ? uint(rest.slice(0, c2)) : -1;
    if (code >= 0) {
      attrs.code = code;
      attrs.reason = rest.slice(c2 + 2);
    } else attrs.reason = rest;
  }
  return withRemote({ action: A.sshDisconnect, outcome: 'unknown', attrs }, ep.host, ep.port);
}

function disconnecting(m: string): Classified {
  if (m.includes('Too many authentication failures')) {
    const c = failure(A.sshMaxAuth);
    // "Disconnecting: Too many authentication failures for root" / "Disconnecting invalid user x 1.2.3.4 port 22: ..."
    const forAt = m.indexOf(' failures for ');
    if (forAt > 0) return withPrincipal(c, m.slice(forAt + 14));
    const colon = m.lastIndexOf(': Too many');
    if (m.startsWith('Disconnecting ') && colon > 14) {
      const { user, host, port } = trailingUserEndpoint(m.slice(14, colon));
      if (m.startsWith('Disconnecting invalid user ')) c.attrs = { invalidUser: true };
      return withRemote(withPrincipal(c, user), host, port);
    }
    return c;
  }
  return probe(m, -1);
}

function reverseMapping(m: string): Classified {
  const open = m.lastIndexOf(' [');
  const close = m.indexOf(']', open);
  const c = failure(A.sshBreakIn, { rhostName: m.slice(41, open < 0 ? undefined : open) });
  return open > 0 && close > open ? withRemote(c, m.slice(open + 2, close)) : c;
}

/** `Address <ip> maps to <name>, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!`. */
function breakIn(m: string): Classified {
  const c = failure(A.sshBreakIn);
  if (m.startsWith('Address ')) return withRemote(c, m.slice(8, m.indexOf(' ', 8)));
  return c;
}

function classifyError(m: string): Classified {
  const rest = m.slice(7);
  if (rest.startsWith('maximum authentication attempts exceeded for ')) {
    const ep = splitFrom(rest.slice(45));
    const c = failure(A.sshMaxAuth);
    if (!ep) return c;
    let user = ep.head;
    if (user.startsWith('invalid user ')) {
      user = user.slice(13);
      c.attrs = { invalidUser: true };
    }
    return withRemote(withPrincipal(c, user), ep.host, ep.port);
  }
  if (rest.startsWith('Received disconnect from ')) return receivedDisconnect(rest, 25);
  if (rest.startsWith('PAM: User not known to the underlying authentication module for ')) {
    return pamError(rest.slice(64), A.sshInvalidUser);
  }
  if (rest.startsWith('PAM: Authentication failure for ')) return pamError(rest.slice(32), A.sshFailed);
  if (rest.startsWith('kex_exchange_identification: ')) return probeFromTail(rest);
  return remoteOther(m, -1);
}

/** `[illegal user |invalid user ]<user> from <host>` after an sshd PAM error. */
function pamError(rest: string, action: string): Classified {
  const ep = splitFrom(rest);
  let user = ep ? ep.head : rest;
  let invalid = action === A.sshInvalidUser;
  if (user.startsWith('illegal user ') || user.startsWith('invalid user ')) {
    user = user.slice(13);
    invalid = true;
  }
  const c = failure(action, { invalidUser: invalid });
  return withRemote(withPrincipal(c, user), ep?.host, ep?.port);
}

function classifyFatal(m: string): Classified {
  const rest = m.slice(7);
  if (rest.includes('Connection reset by peer') || rest.includes('Broken pipe')) {
    return { action: A.sshDisconnect, outcome: 'unknown', attrs: { kind: 'reset' } };
  }
  if (rest.startsWith('Unable to negotiate with ')) return probe(rest, 25);
  return probeFromTail(rest);
}

/** `User <user> from <ip> not allowed because <reason>` (AllowUsers/DenyUsers/locked account). */
function notAllowed(m: string): Classified {
  const because = m.lastIndexOf(' not allowed because ');
  if (because < 0) return remoteOther(m, -1);
  const reason = m.slice(because + 21);
  const head = m.slice(5, because);
  const ep = splitFrom(head);
  const c = failure(A.sshFailed, { invalidUser: false, reason });
  if (!ep) return withPrincipal(c, head);
  return withRemote(withPrincipal(c, ep.head), ep.host, ep.port);
}

function probe(m: string, at: number): Classified {
  const c: Classified = { action: A.sshProbe, outcome: 'unknown' };
  if (at < 0) return c;
  const ep = endpointAt('', m, at);
  return withRemote(c, ep.host, ep.port);
}

/** Probe messages whose peer comes last (`... from <ip> port <p>` or `... <ip> port <p>`), or nowhere. */
function probeFromTail(m: string): Classified {
  const c: Classified = { action: A.sshProbe, outcome: 'unknown' };
  const ep = splitFrom(m) ?? splitFrom(m, ' with ') ?? splitFrom(m, 'Connection from ') ?? splitFrom(m, ' for ');
  return ep ? withRemote(c, ep.host, ep.port) : c;
}

/** `[invalid user <u> ]<ip> port <p>: <reason>`: the peer is the right-most `port N:` (the reason may hold colons). */
function probeUserPeer(rest: string): Classified {
  const c: Classified = { action: A.sshProbe, outcome: 'unknown' };
  let k = rest.length;
  for (;;) {
    k = rest.lastIndexOf(' port ', k - 1);
    if (k < 0) return c;
    let e = k + 6;
    while (e < rest.length && rest.charCodeAt(e) >= 48 && rest.charCodeAt(e) <= 57) e++;
    if (e > k + 6 && (e === rest.length || rest.charCodeAt(e) === 58)) {
      const { user, host, port } = trailingUserEndpoint(rest.slice(0, e));
      if (rest.startsWith('invalid user ')) c.attrs = { invalidUser: true };
      return withRemote(withPrincipal(c, user), host, port);
    }
    if (k === 0) return c;
  }
}

function subsystem(m: string): Classified {
  const by = m.lastIndexOf(' by user ');
  const c = other({ subsystem: m.slice(22, by < 0 ? undefined : by) });
  return by < 0 ? c : withPrincipal(c, m.slice(by + 9));
}

function timeout(m: string): Classified {
  const c: Classified = { action: A.sshDisconnect, outcome: 'unknown', attrs: { kind: 'timeout' } };
  const at = m.indexOf(' from ');
  if (at < 0) return c;
  const { user, host, port } = trailingUserEndpoint(m.slice(at + 6).replace(/\.$/, ''));
  return withRemote(withPrincipal(c, user), host, port);
}

function postponed(m: string): Classified {
  const sp = m.indexOf(' for ');
  const ep = sp < 0 ? undefined : splitFrom(m.slice(sp + 5));
  if (!ep) return other();
  const c = other({ method: m.slice(10, sp) });
  return withRemote(withPrincipal(c, ep.head), ep.host, ep.port);
}

/** Anything else: keep it as auth.other but still pick up `from <ip> port <p>` when the message has one. */
function remoteOther(m: string, at: number): Classified {
  const c = other();
  if (at >= 0) {
    const ep = endpointAt('', m, at);
    return withRemote(c, ep.host, ep.port);
  }
  const ep = splitFrom(m);
  if (ep && ep.port !== undefined) withRemote(c, ep.host, ep.port);
  return c;
}
