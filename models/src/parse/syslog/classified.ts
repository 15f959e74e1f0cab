import type { AttrValue, Outcome } from '../../schema/event.ts';
import { isIp, uint } from '../fields.ts';

/** What a message classifier learned from a syslog message; merged into the event by the syslog parser. */
export interface Classified {
  action: string;
  outcome: Outcome;
  principal?: string;
  srcIp?: string;
  srcPort?: number;
  resource?: string;
  attrs?: Record<string, AttrValue>;
}

/** Which "other" bucket applies: the source decides between auth.other and syslog.other. */
export const OTHER = 'other';

export function other(attrs?: Record<string, AttrValue>): Classified {
  return attrs ? { action: OTHER, outcome: 'unknown', attrs } : { action: OTHER, outcome: 'unknown' };
}

/** Set principal only when non-empty (an attacker can send an empty user name). */
export function withPrincipal(c: Classified, user: string | undefined): Classified {
  if (user !== undefined && user !== '') c.principal = user;
  return c;
}

/** Put a remote address in srcIp when it is an IP, else keep it as attrs.rhost (a DNS name an attacker controls). */
export function withRemote(c: Classified, host: string | undefined, port?: number): Classified {
  if (host === undefined || host === '') return c;
  if (isIp(host)) {
    c.srcIp = host;
    if (port !== undefined && port >= 0 && port <= 65535) c.srcPort = port;
  } else {
    c.attrs ??= {};
    c.attrs.rhost = host;
  }
  return c;
}

export interface Endpoint {
  /** Text before the endpoint (user name, possibly with spaces). */
  head: string;
  host: string;
  port: number | undefined;
  /** Text after `port N` (e.g. ` ssh2: RSA SHA256:...`). */
  tail: string;
}

/**
 * Split `<head> from <host>[ port <n>]<tail>` at the LAST ` from `: user names are attacker-controlled and may contain
 * ` from 6.6.6.6 port 22`, but sshd prints the real peer after them, so the right-most match is the trustworthy one.
 */
export function splitFrom(s: string, sep = ' from '): Endpoint | undefined {
  const k = s.lastIndexOf(sep);
  if (k < 0) return undefined;
  return endpointAt(s.slice(0, k), s, k + sep.length);
}

/** `<host>[ port <n>]<tail>` at s[i..]; host ends at space, ':' followed by space, or end. */
export function endpointAt(head: string, s: string, i: number): Endpoint {
  let e = s.indexOf(' ', i);
  if (e < 0) e = s.length;
  let host = s.slice(i, e);
  // "from 1.2.3.4:" (old 'Received disconnect from IP: 11: ...') and bracketed hosts
  if (host.endsWith(':') && !isIp(host)) host = host.slice(0, -1);
  let port: number | undefined;
  if (host.length > 2 && host.charCodeAt(0) === 91) {
    // "[1.2.3.4]:5555" (MaxStartups) and "[2001:db8::1]"
    const close = host.indexOf(']');
    if (close > 1) {
      const p = host.charCodeAt(close + 1) === 58 ? uint(host.slice(close + 2)) : -1;
      if (p >= 0) port = p;
      host = host.slice(1, close);
    }
  }
  let t = e;
  if (s.startsWith(' port ', e)) {
    let pe = e + 6;
    while (pe < s.length && s.charCodeAt(pe) >= 48 && s.charCodeAt(pe) <= 57) pe++;
    const p = uint(s.slice(e + 6, pe));
    if (p >= 0) {
      port = p;
      t = pe;
    }
  }
  return { head, host, port, tail: s.slice(t) };
}

/**
 * `... [user ]<user> <host> port <n>` with the endpoint at the end (OpenSSH 7.5+ "Connection closed by authenticating
 * user root 1.2.3.4 port 22"). Returns the user (may be empty), host and port, parsing from the right.
 */
export function trailingUserEndpoint(s: string): { user: string | undefined; host: string; port: number | undefined } {
  let body = s;
  let port: number | undefined;
  const pk = body.lastIndexOf(' port ');
  if (pk >= 0) {
    const p = uint(body.slice(pk + 6));
    if (p >= 0) {
      port = p;
      body = body.slice(0, pk);
    }
  }
  const sp = body.lastIndexOf(' ');
  const host = body.slice(sp + 1);
  const before = sp < 0 ? '' : body.slice(0, sp);
  let user: string | undefined;
  for (const prefix of ['authenticating user ', 'invalid user ', 'user ']) {
    if (before.startsWith(prefix)) {
      user = before.slice(prefix.length);
      break;
    }
  }
  return { user, host, port };
}
