import { statSync } from 'node:fs';
import { type AuditEntry, parseIp, type Responder } from '../respond/index.ts';
import type { StateDb } from '../state/index.ts';
import { actionSummary } from './collect.ts';
import type { ActionSummary, StatusReport } from './report.ts';
import type { StatusHandlers } from './server.ts';

/** Action records from the audit log, newest last (they survive restarts, unlike the in-memory recent list). */
export function actionsFromAudit(db: StateDb, limit: number): ActionSummary[] {
  const n = Math.max(1, Math.min(1000, limit));
  const last = (db.db.prepare('SELECT max(seq) AS m FROM audit').get() as { m: number | null }).m ?? 0;
  return db.audit.list(Math.max(0, last - n), n).map((r) => actionSummary(r.detail as unknown as AuditEntry, r.seq));
}

/** The commands the status socket answers: status, actions, unblock (audited with who asked). */
export function statusHandlers(d: {
  status(): StatusReport;
  db: StateDb;
  responder(): Responder | undefined;
}): StatusHandlers {
  return {
    status: () => d.status(),
    actions: (req) => actionsFromAudit(d.db, Number(req.limit) || 50),
    unblock: async (req) => {
      if (typeof req.ip !== 'string') throw new Error('unblock needs an ip');
      const responder = d.responder();
      if (!responder) throw new Error('the responder is not running');
      const actor = typeof req.actor === 'string' && req.actor ? req.actor.slice(0, 64) : 'cli';
      return actionSummary(await responder.unblock(req.ip, `cli:${actor}`));
    },
    'playbook.run': async (req) => {
      const responder = d.responder();
      if (!responder) throw new Error('the responder is not running');
      if (typeof req.approvalId !== 'string' || !/^apr_[0-9a-f]{24}$/.test(req.approvalId)) {
        throw new Error('playbook.run needs an approvalId (apr_ + 24 hex)');
      }
      const key = targetKeyOf(req);
      const rec = responder.pending().find((r) => r.playbook === req.playbook && r.targetKey === key);
      if (!rec) {
        throw new Error(
          `no pending ${String(req.playbook)} recommendation for ${key} on this host (expired, handled, or never made here)`,
        );
      }
      return actionSummary(await responder.approve(rec.id, `ssm:${req.approvalId}`));
    },
  };
}

/** The target key the playbook's own plan uses, computed here from the host, never taken from the request. */
function targetKeyOf(req: Record<string, unknown>): string {
  if (req.playbook === 'block-ip') {
    const ip = parseIp(String(req.ip));
    if (!ip.ok) throw new Error(`not an IP address: ${ip.reason}`);
    return ip.ip.text;
  }
  if (req.playbook === 'kill-process') {
    if (!/^\d{1,7}$/.test(String(req.pid)) || !/^\d{1,15}$/.test(String(req.startTicks)))
      throw new Error('bad pid or startTicks');
    return `${req.pid}:${req.startTicks}`;
  }
  if (req.playbook === 'clean-disk') {
    if (typeof req.mount !== 'string' || !req.mount.startsWith('/'))
      throw new Error('clean-disk needs an absolute mount path');
    return `dev:${statSync(req.mount).dev}`;
  }
  throw new Error(`unknown playbook ${JSON.stringify(String(req.playbook).slice(0, 32))}`);
}
