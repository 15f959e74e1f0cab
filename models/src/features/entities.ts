import type { EntityKind, EntityRef, LogEvent } from '../schema/index.ts';
import { AUTH_ACTIONS } from '../schema/index.ts';

/**
 * Which entities an event speaks about. Every feature row belongs to one entity, so this table decides what the
 * detectors can see: e.g. an SSH failure updates both the host (credential stuffing across users) and the source IP
 * (brute force from one address).
 */
export function entitiesOf(e: LogEvent, out: EntityRef[]): EntityRef[] {
  out.length = 0;
  switch (e.source) {
    case 'ec2.auth':
      if (e.host) out.push({ kind: 'host', id: e.host });
      if (e.srcIp) out.push({ kind: 'ip', id: e.srcIp });
      if (e.principal && (e.action === AUTH_ACTIONS.sshLogin || e.action === AUTH_ACTIONS.sudoCommand)) {
        out.push({ kind: 'user', id: e.principal });
      }
      break;
    case 'ec2.syslog':
    case 'ec2.process':
    case 'ec2.disk':
      if (e.host) out.push({ kind: 'host', id: e.host });
      break;
    case 'lambda':
      if (e.resource) out.push({ kind: 'function', id: e.resource });
      break;
    case 's3': {
      const bucket = e.attrs?.bucket;
      // Anonymous requests have no requester ('-' in the log): they are still one principal to watch per bucket.
      if (typeof bucket === 'string') out.push({ kind: 'bucket_principal', id: `${bucket}|${e.principal ?? '-'}` });
      if (e.srcIp) out.push({ kind: 'ip', id: e.srcIp });

      if (e.principal && e.principal !== '-' && e.principal.startsWith('arn:'))
        out.push({ kind: 'user', id: e.principal });
      break;
    }
    case 'vpc':
      if (e.srcIp) out.push({ kind: 'ip', id: e.srcIp });
      if (e.resource) out.push({ kind: 'eni', id: e.resource });
      break;
    case 'cloudtrail':
      if (e.principal) out.push({ kind: 'user', id: e.principal });
      break;
  }
  if (e.account) out.push({ kind: 'account', id: e.account });
  return out;
}

export function entityKey(kind: EntityKind, id: string): string {
  return `${kind}\u0000${id}`;
}
