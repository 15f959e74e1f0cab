import { uuidv7 } from '../pipeline/ids.ts';
import type { AuditEntry, Responder } from '../respond/index.ts';
import type { KvRepo } from '../state/index.ts';
import type { ControlPlaneHttp } from './http.ts';

interface PendingItem {
  approvalId: string;
  recommendationId: string;
  playbook: string;
  approvedBy: string;
  expiresAt: number;
}

export interface ApprovalsDeps {
  http: ControlPlaneHttp;
  credential(): string | undefined;
  responder: Responder;
  /** Records an entry the responder did not make itself (unknown or expired recommendation). */
  record(entry: AuditEntry): void;
  kv: KvRepo;
  log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
  now?: () => number;
}

const HANDLED_KEY = 'approvals.handled';
const MAX_HANDLED = 2000;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Runs recommendations a person approved in the console (GET /v1/agents/actions/pending). The server's item only
 * names our own recommendation: the responder plans again and must reach the same verified target, so no identity
 * from the server is ever acted on. Each recommendation is acted on at most once, across restarts.
 */
export class ApprovalPoller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly handled: string[];
  lastError: string | null = null;

  constructor(private readonly deps: ApprovalsDeps) {
    this.handled = deps.kv.getJson<string[]>(HANDLED_KEY) ?? [];
  }

  start(defaultSeconds: number): void {
    const loop = async (seconds: number) => {
      if (this.stopped) return;
      const next = await this.poll().catch((err) => {
        this.lastError = (err as Error).message;
        return seconds;
      });
      this.timer = setTimeout(() => void loop(next), (next || seconds) * 1000);
      this.timer.unref?.();
    };
    this.timer = setTimeout(() => void loop(defaultSeconds), defaultSeconds * 1000);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One poll; returns the server's nextPollSeconds. */
  async poll(): Promise<number> {
    const credential = this.deps.credential();
    if (!credential) return 0;
    const res = await this.deps.http.request('GET', '/v1/agents/actions/pending', { credential });
    const body = res.body as { items?: PendingItem[]; nextPollSeconds?: number } | null;
    for (const item of body?.items ?? []) await this.handle(item);
    this.lastError = null;
    return Math.min(3600, Math.max(1, Number(body?.nextPollSeconds) || 0));
  }

  private async handle(item: PendingItem): Promise<void> {
    if (!ID.test(String(item?.recommendationId)) || this.handled.includes(item.recommendationId)) return;
    const approver = typeof item.approvedBy === 'string' ? item.approvedBy.slice(0, 128) : 'unknown';
    this.remember(item.recommendationId);
    const known = this.deps.responder.pending().some((r) => r.id === item.recommendationId);
    if (known && item.expiresAt > this.now()) {
      const entry = await this.deps.responder.approve(item.recommendationId, approver);
      this.deps.log('info', 'approved action handled', {
        recommendationId: item.recommendationId,
        decision: entry.decision,
      });
      return;
    }
    const now = this.now();
    this.deps.record({
      id: uuidv7(now),
      playbook: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(item.playbook) ? item.playbook : 'unknown',
      mode: 'recommend',
      decision: item.expiresAt <= now ? 'expired' : 'refused',
      result: 'none',
      dryRun: false,
      why:
        item.expiresAt <= now
          ? 'approval arrived after it expired'
          : 'no such pending recommendation on this agent (restarted, expired or already handled)',
      recommendationId: item.recommendationId,
      approvedBy: approver,
      startedAt: now,
      finishedAt: now,
    });
  }

  private remember(id: string): void {
    this.handled.push(id);
    if (this.handled.length > MAX_HANDLED) this.handled.splice(0, this.handled.length - MAX_HANDLED);
    this.deps.kv.setJson(HANDLED_KEY, this.handled);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
