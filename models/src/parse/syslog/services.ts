import { SYSLOG_ACTIONS as S } from '../../schema/actions.ts';
import { type Classified, other, withPrincipal } from './classified.ts';

/** cron/CRON/crond: `(user) CMD (command)`; other cron lines (CMDEND, MTA notes) are syslog.other. */
export function classifyCron(msg: string): Classified {
  if (msg.charCodeAt(0) !== 40) return other();
  const close = msg.indexOf(') ');
  if (close < 0) return other();
  const user = msg.slice(1, close);
  const rest = msg.slice(close + 2);
  if (rest.startsWith('CMD (') && rest.endsWith(')')) {
    const c: Classified = { action: S.cronCommand, outcome: 'unknown' };
    const command = rest.slice(5, -1);
    if (command !== '') c.resource = command;
    return withPrincipal(c, user);
  }
  const sp = rest.indexOf(' ');
  return withPrincipal(other({ cronEvent: sp < 0 ? rest : rest.slice(0, sp) }), user === 'CRON' ? undefined : user);
}

const UNIT_SUFFIXES = [
  '.service',
  '.timer',
  '.socket',
  '.target',
  '.mount',
  '.scope',
  '.slice',
  '.path',
  '.device',
  '.swap',
  '.automount',
];

function isUnitName(s: string): boolean {
  if (s.indexOf(' ') >= 0) return false;
  for (const suf of UNIT_SUFFIXES) if (s.endsWith(suf)) return true;
  return false;
}

/**
 * systemd (PID 1 and user managers): Started/Starting/Stopped/Stopping/Failed to start, `<unit>: Failed with result
 * 'x'.`, `<unit>: Main process exited, code=..., status=...`, `<unit>: Succeeded.` / `Deactivated successfully.`.
 * resource = the unit name; systemd < 247 writes only the unit's Description, which is used instead (attrs.description).
 */
export function classifySystemd(msg: string): Classified {
  const colon = msg.indexOf(': ');
  if (colon > 0 && isUnitName(msg.slice(0, colon))) return unitEvent(msg.slice(0, colon), msg.slice(colon + 2));
  if (msg.startsWith('Started ')) return unitText(S.serviceStart, 'success', msg.slice(8));
  if (msg.startsWith('Starting ')) return unitText(S.serviceStart, 'success', msg.slice(9));
  if (msg.startsWith('Stopped ')) return unitText(S.serviceStop, 'unknown', msg.slice(8));
  if (msg.startsWith('Stopping ')) return unitText(S.serviceStop, 'unknown', msg.slice(9));
  if (msg.startsWith('Failed to start ')) return unitText(S.serviceFail, 'failure', msg.slice(16));
  return other();
}

function unitEvent(unit: string, rest: string): Classified {
  if (rest.startsWith('Failed with result ')) {
    return { action: S.serviceFail, outcome: 'failure', resource: unit, attrs: { result: unquote(rest.slice(19)) } };
  }
  if (rest.startsWith('Main process exited, ')) {
    const code = kv(rest, 'code=');
    const status = kv(rest, 'status=');
    const clean = code === 'exited' && (status === '0/SUCCESS' || status === '0');
    const c: Classified = clean
      ? { action: S.serviceStop, outcome: 'unknown', resource: unit, attrs: {} }
      : { action: S.serviceFail, outcome: 'failure', resource: unit, attrs: {} };
    if (code) c.attrs!.code = code;
    if (status) c.attrs!.status = status;
    return c;
  }
  if (rest.startsWith('Succeeded') || rest.startsWith('Deactivated successfully')) {
    return { action: S.serviceStop, outcome: 'unknown', resource: unit };
  }
  const c = other();
  c.resource = unit;
  return c;
}

/** `nginx.service - A high performance web server.` or only `A high performance web server...`. */
function unitText(action: string, outcome: Classified['outcome'], text: string): Classified {
  const body = trimDots(text);
  const dash = body.indexOf(' - ');
  const head = dash > 0 ? body.slice(0, dash) : body;
  const c: Classified = { action, outcome };
  if (isUnitName(head)) {
    c.resource = head;
    if (dash > 0) c.attrs = { description: body.slice(dash + 3) };
  } else if (body !== '') {
    c.resource = body;
    c.attrs = { description: body };
  }
  return c;
}

/** Strip trailing dots ("Starting x..." / "Started x."); a loop, since /\.+$/ is quadratic on long dot runs. */
function trimDots(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 46) e--;
  return s.slice(0, e);
}

function kv(s: string, key: string): string | undefined {
  const at = s.indexOf(key);
  if (at < 0) return undefined;
  let end = s.indexOf(',', at);
  if (end < 0) end = s.length;
  return s.slice(at + key.length, end).trim();
}

function unquote(s: string): string {
  return s.replace(/\.$/, '').replace(/^'(.*)'$/, '$1');
}
