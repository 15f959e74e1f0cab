/**
 * In-process events other parts subscribe to (alert delivery, console live updates, correlation). Handlers may be
 * async: their promises are tracked so shutdown can wait for them (`drain`), and a failing handler is logged, never
 * allowed to break the request that emitted the event.
 */
export interface AlertRecord {
  id: string;
  kind: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  subject: string;
  message: string;
  details: Record<string, unknown>;
  raisedAt: number;
  resolvedAt: number | null;
}

export interface VigilEventMap {
  'alert.raised': AlertRecord;
  'alert.resolved': AlertRecord;
  'agent.enrolled': { agentId: string; hostname: string; instanceId: string };
  'agent.revoked': { agentId: string; by: string };
  'agent.stale': { agentId: string; hostname: string; lastHeartbeatAt: number | null };
  'agent.recovered': { agentId: string; hostname: string };
  'anomalies.ingested': { agentId: string; accepted: number; duplicates: number; ids: string[] };
  'actions.ingested': { agentId: string; accepted: number; duplicates: number; ids: string[] };
  /** An incident was opened or grew (status null), or an operator changed its state (console live updates). */
  'incident.changed': { id: string; status: string | null; by: string | null };
  /** An operator approved or rejected a recommended action (`id` is the action's seq, as the routes take it). */
  'action.decided': { id: string; decision: 'approved' | 'rejected'; by: string };
  /** A rollout was created, advanced, halted (by a person or the auto-halt job) or rolled back. */
  'rollout.changed': { id: string; status: string; by: string };
}

export type EventName = keyof VigilEventMap;
type Handler<E extends EventName> = (payload: VigilEventMap[E]) => void | Promise<void>;

export class VigilEvents {
  private readonly handlers = new Map<EventName, Set<Handler<EventName>>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (err: unknown, event: EventName) => void = () => {}) {}

  on<E extends EventName>(event: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler<EventName>);
    return () => set.delete(handler as Handler<EventName>);
  }

  emit<E extends EventName>(event: E, payload: VigilEventMap[E]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        const out = handler(payload);
        if (out instanceof Promise) {
          const p = out.catch((err) => this.onError(err, event)).finally(() => this.pending.delete(p));
          this.pending.add(p);
        }
      } catch (err) {
        this.onError(err, event);
      }
    }
  }

  /** Waits for every async handler started so far (shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
