import type { VigilContext } from './context.ts';
import type { Job } from './jobs.ts';
import { markStaleAgents } from './store/agents.ts';
import { raiseAlert } from './store/alerts.ts';
import { enforceRetention } from './store/retention.ts';

/**
 * Marks agents silent for longer than staleHeartbeatSeconds as stale and raises one `agent_stale` alert each
 * (the open-alert unique index makes a repeat a no-op). Returns the agents marked now.
 */
export async function checkStaleAgents(ctx: VigilContext) {
  const now = ctx.clock();
  const stale = await markStaleAgents(ctx.db, now - ctx.config.staleHeartbeatSeconds * 1000);
  for (const agent of stale) {
    ctx.events.emit('agent.stale', agent);
    const silentFor =
      agent.lastHeartbeatAt === null
        ? 'never sent a heartbeat'
        : `silent since ${new Date(agent.lastHeartbeatAt).toISOString()}`;
    const alert = await raiseAlert(
      ctx.db,
      {
        kind: 'agent_stale',
        severity: 'high',
        subject: agent.agentId,
        message: `agent on ${agent.hostname} ${silentFor}`,
        details: { agentId: agent.agentId, hostname: agent.hostname, lastHeartbeatAt: agent.lastHeartbeatAt },
      },
      now,
    );
    if (alert) {
      ctx.metrics.alertsRaised.inc({ kind: alert.kind });
      ctx.events.emit('alert.raised', alert);
    }
  }
  return stale;
}

/** Applies the configured retention policy now; returns rows deleted per table. */
export async function runRetention(ctx: VigilContext) {
  const deleted = await enforceRetention(ctx.db, ctx.config.retentionDays, ctx.clock());
  for (const [table, n] of Object.entries(deleted)) ctx.metrics.retentionDeleted.inc({ table }, n);
  return deleted;
}

function timed(ctx: VigilContext, name: string, run: () => Promise<unknown>): () => Promise<unknown> {
  return async () => {
    const started = performance.now();
    try {
      const out = await run();
      ctx.metrics.jobRuns.inc({ job: name, result: 'ok' });
      return out;
    } catch (err) {
      ctx.metrics.jobRuns.inc({ job: name, result: 'error' });
      throw err;
    } finally {
      ctx.metrics.jobDuration.observe({ job: name }, (performance.now() - started) / 1000);
    }
  };
}

export function housekeepingJobs(ctx: VigilContext): Job[] {
  const staleEveryMs = Math.max(1000, Math.min(30_000, (ctx.config.staleHeartbeatSeconds * 1000) / 4));
  return [
    { name: 'stale-agents', intervalMs: staleEveryMs, run: timed(ctx, 'stale-agents', () => checkStaleAgents(ctx)) },
    {
      name: 'retention',
      intervalMs: ctx.config.retentionIntervalSeconds * 1000,
      run: timed(ctx, 'retention', () => runRetention(ctx)),
    },
  ];
}
