import { Recent } from '../pipeline/respond-queue.ts';
import type { AuditEntry } from '../respond/index.ts';
import { actionSummary } from './collect.ts';
import type { ActionSummary } from './report.ts';

/** Responder decisions since the process started, for status: totals by outcome and the latest few. */
export class ActionLog {
  total = 0;
  readonly byOutcome: Record<string, number> = {};
  private readonly latest = new Recent<ActionSummary>(50);

  record(entry: AuditEntry): void {
    this.total++;
    const key = `${entry.playbook} ${entry.decision}${entry.result !== 'none' ? ` ${entry.result}` : ''}${entry.dryRun ? ' (dry-run)' : ''}`;
    this.byOutcome[key] = (this.byOutcome[key] ?? 0) + 1;
    this.latest.add(actionSummary(entry));
  }

  recent(): ActionSummary[] {
    return this.latest.list();
  }
}
