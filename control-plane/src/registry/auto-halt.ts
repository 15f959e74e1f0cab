import type { VigilContext } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { raiseAlert } from '../store/alerts.ts';
import { haltRollout, inRollout, listRollouts, type Rollout } from './rollouts.ts';

export interface AutoHaltOptions {
  /** Compare the last windowMs of telemetry. */
  windowMs: number;
  /** Halt when the canary rate is more than factor × (or less than 1/factor ×) the rest's. */
  factor: number;
  /** Neither side is judged on fewer processed log lines than this in the window (noise guard). */
  minLines: number;
  /** Errored action records the canary side needs before its error rate can halt anything. */
  minErrors: number;
}

export interface GroupRates {
  hosts: number;
  lines: number;
  anomalies: number;
  errors: number;
}

interface AgentUsage {
  agent_id: string;
  channel: string;
  lines: number;
  anomalies: number;
  errors: number;
}

/**
 * Per agent over [since, until): log lines and anomalies from heartbeat counter deltas (a counter that went down
 * means the agent restarted, so the new value is the delta), errors from action records that errored or failed.
 */
async function usageByAgent(db: Queryable, since: number, until: number): Promise<AgentUsage[]> {
  const { rows } = await db.query<AgentUsage>(
    `WITH d AS (
       SELECT agent_id,
         lines - lag(lines) OVER w AS dl, lines AS l, anomalies - lag(anomalies) OVER w AS da, anomalies AS a
       FROM heartbeats WHERE at >= $1 AND at < $2
       WINDOW w AS (PARTITION BY agent_id ORDER BY at)),
     hb AS (
       SELECT agent_id, sum(CASE WHEN dl < 0 THEN l ELSE coalesce(dl, 0) END)::float8 AS lines,
         sum(CASE WHEN da < 0 THEN a ELSE coalesce(da, 0) END)::float8 AS anomalies
       FROM d GROUP BY agent_id),
     er AS (
       SELECT agent_id, count(*)::float8 AS errors FROM actions
       WHERE received_at >= $1 AND received_at < $2 AND (decision = 'error' OR result = 'failure') GROUP BY agent_id)
     SELECT a.id AS agent_id, coalesce(c.channel, 'stable') AS channel, coalesce(hb.lines, 0) AS lines,
       coalesce(hb.anomalies, 0) AS anomalies, coalesce(er.errors, 0) AS errors
     FROM agents a LEFT JOIN agent_channels c ON c.agent_id = a.id
       LEFT JOIN hb ON hb.agent_id = a.id LEFT JOIN er ON er.agent_id = a.id
     WHERE a.status <> 'revoked'`,
    [since, until],
  );
  return rows;
}

function sum(rows: AgentUsage[]): GroupRates {
  const g = { hosts: rows.length, lines: 0, anomalies: 0, errors: 0 };
  for (const r of rows) {
    g.lines += r.lines;
    g.anomalies += r.anomalies;
    g.errors += r.errors;
  }
  return g;
}

/** The reason to halt, or null. Rates get +1 smoothing so a side with zero events still compares sensibly. */
export function departure(canary: GroupRates, rest: GroupRates, o: AutoHaltOptions): string | null {
  if (canary.hosts === 0 || rest.hosts === 0 || canary.lines < o.minLines || rest.lines < o.minLines) return null;
  const rate = (n: number, lines: number) => (n + 1) / lines;
  const anomalyRatio = rate(canary.anomalies, canary.lines) / rate(rest.anomalies, rest.lines);
  if (anomalyRatio > o.factor || anomalyRatio < 1 / o.factor) {
    return `canary anomaly rate is ${anomalyRatio.toFixed(2)}x the rest's (limit ${o.factor}x either way)`;
  }
  const errorRatio = rate(canary.errors, canary.lines) / rate(rest.errors, rest.lines);
  if (canary.errors >= o.minErrors && errorRatio > o.factor) {
    return `canary error rate is ${errorRatio.toFixed(2)}x the rest's (limit ${o.factor}x)`;
  }
  return null;
}

async function judge(ctx: VigilContext, r: Rollout, usage: AgentUsage[], o: AutoHaltOptions, now: number) {
  const inCanary = (u: AgentUsage) => u.channel === r.channel && inRollout(u.agent_id, r.percent);
  const canary = sum(usage.filter(inCanary));
  const rest = sum(usage.filter((u) => !inCanary(u)));
  const reason = departure(canary, rest, o);
  if (!reason) return false;
  const details = {
    rolloutId: r.id,
    bundleVersion: r.bundleVersion,
    channel: r.channel,
    canary,
    rest,
    windowMs: o.windowMs,
  };
  await haltRollout(ctx.db, r.id, `automatic: ${reason}`, details, now);
  ctx.events.emit('rollout.changed', { id: r.id, status: 'paused', by: 'auto-halt' });
  const alert = await raiseAlert(
    ctx.db,
    {
      kind: 'rollout_halted',
      severity: 'high',
      subject: r.id,
      message: `rollout of bundle ${r.bundleVersion} on ${r.channel} halted at ${r.percent}%: ${reason}`,
      details,
    },
    now,
  );
  if (alert) ctx.events.emit('alert.raised', alert);
  return true;
}

/** One pass of the periodic job: judges every active rollout; returns the ids it halted. */
export async function checkRolloutHealth(ctx: VigilContext, o: AutoHaltOptions): Promise<string[]> {
  const active = await listRollouts(ctx.db, "r.status = 'active'");
  if (active.length === 0) return [];
  const now = ctx.clock();
  const usage = await usageByAgent(ctx.db, now - o.windowMs, now + 1);
  const halted: string[] = [];
  for (const r of active) if (await judge(ctx, r, usage, o, now)) halted.push(r.id);
  return halted;
}
