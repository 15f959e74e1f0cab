import type { AuditEntry, Responder } from '../respond/index.ts';
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
  };
}
