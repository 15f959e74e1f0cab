import { AUTH_ACTIONS as A } from '../../schema/actions.ts';
import type { Classified } from './classified.ts';

/** shadow-utils programs whose messages are account changes; attrs.op is the program name. */
export const ACCOUNT_PROGRAMS = new Set([
  'useradd',
  'userdel',
  'usermod',
  'groupadd',
  'groupdel',
  'groupmod',
  'gpasswd',
  'passwd',
  'chpasswd',
  'chage',
  'chfn',
  'chsh',
  'newusers',
  'adduser',
  'deluser',
]);

const GROUP_PROGRAMS = new Set(['groupadd', 'groupdel', 'groupmod']);

/**
 * `new user: name=apache, UID=48, ...`, `new group: name=tsg, GID=1003`, `delete user 'bob'`, `changed user 'tsg'
 * information`, `changed password expiry for mysql`, `add 'alice' to group 'sudo'`. resource = the account or group
 * changed; principal = the user account changed (absent for group operations); attrs.group when a group is named.
 */
export function classifyAccount(program: string, msg: string): Classified {
  const name = affectedName(msg);
  const c: Classified = {
    action: A.accountChange,
    outcome: /fail|error/i.test(msg) ? 'failure' : 'unknown',
    attrs: { op: program },
  };
  const group = quotedAfter(msg, " group '");
  if (group !== undefined) c.attrs!.group = group;
  if (name !== undefined && name !== '') {
    c.resource = name;
    if (!GROUP_PROGRAMS.has(program)) c.principal = name;
  }
  return c;
}

function affectedName(msg: string): string | undefined {
  const nameAt = msg.indexOf('name=');
  if (nameAt >= 0) {
    const comma = msg.indexOf(',', nameAt);
    return msg.slice(nameAt + 5, comma < 0 ? undefined : comma).trim();
  }
  const q = msg.indexOf("'");
  if (q >= 0) {
    const end = msg.indexOf("'", q + 1);
    if (end > q) return msg.slice(q + 1, end);
  }
  const forAt = msg.lastIndexOf(' for ');
  if (forAt >= 0) return msg.slice(forAt + 5).trim();
  const userAt = msg.indexOf('user ');
  if (userAt >= 0) return msg.slice(userAt + 5).split(' ')[0];
  return undefined;
}

function quotedAfter(msg: string, marker: string): string | undefined {
  const at = msg.indexOf(marker);
  if (at < 0) return undefined;
  const end = msg.indexOf("'", at + marker.length);
  return end < 0 ? undefined : msg.slice(at + marker.length, end);
}
