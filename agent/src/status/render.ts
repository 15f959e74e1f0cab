import { printable } from './escape.ts';
import type { ActionSummary, StatusReport } from './report.ts';

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : '-');
const bytes = (n: number) =>
  n >= 1 << 30
    ? `${(n / (1 << 30)).toFixed(1)} GiB`
    : n >= 1 << 20
      ? `${(n / (1 << 20)).toFixed(1)} MiB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${n} B`;

/** Human status. Every value that can come from a log line or a file name goes through printable(). */
export function renderStatus(r: StatusReport): string {
  const out: string[] = [];
  const p = (s: string) => out.push(s);
  p(
    `vigil-agent ${printable(r.agent.version)} on ${printable(r.agent.host)}  pid ${r.agent.pid}  up ${r.agent.uptimeSeconds} s`,
  );
  p(
    `health: ${r.health.state.toUpperCase()}${r.health.reasons.length ? ` (${r.health.reasons.map((x) => printable(x)).join('; ')})` : ''}`,
  );
  p('');
  p('sources:');
  for (const s of r.sources) {
    p(
      `  ${printable(s.id)} [${s.kind}] ${s.running ? 'running' : 'stopped'}${s.paused ? ', PAUSED (backpressure)' : ''}  lag ${bytes(s.lagBytes)}`,
    );
    for (const f of s.files) {
      p(
        `    ${printable(f.path, 120)}  offset ${f.ackedOffset}/${f.size}  lag ${bytes(f.lagBytes)}  lines ${f.lines}${f.draining ? '  (rotated, draining)' : ''}`,
      );
    }
    if (s.sampling)
      p(
        `    every ${s.sampling.intervalMs} ms, ${s.sampling.samples} samples, mean ${s.sampling.meanMs.toFixed(1)} ms`,
      );
  }
  const pl = r.pipeline;
  p('');
  p(
    `pipeline: ${pl.linesPerSecond} lines/s  lines ${pl.lines}  events ${pl.events}  parse errors ${pl.parseErrors}  skipped ${pl.skipped}`,
  );
  p(
    `  queue ${pl.queue.batches} batches / ${pl.queue.lines} lines (oldest ${pl.queue.oldestMs} ms)  unacked ${pl.unackedBatches}  last decision ${iso(pl.lastDecisionAt)}`,
  );
  for (const e of pl.recentRejected.slice(-5))
    p(`  rejected ${printable(e.file, 100)}:${e.line} ${e.code}: ${printable(e.message, 100)}`);
  p('');
  p(`anomalies: ${r.anomalies.lastHour} in the last hour, ${r.anomalies.total} since start`);
  for (const a of r.anomalies.recent.slice(-5)) {
    p(
      `  ${iso(a.detectedAt)} ${printable(a.type)} ${printable(a.entity, 80)} score ${a.score.toFixed(3)} ${a.severity}`,
    );
  }
  p('');
  p(
    `actions: ${r.actions.total} since start${
      Object.keys(r.actions.byOutcome).length
        ? ` (${Object.entries(r.actions.byOutcome)
            .map(([k, v]) => `${printable(k)}: ${v}`)
            .join(', ')})`
        : ''
    }`,
  );
  for (const a of r.actions.recent.slice(-5)) p(`  ${renderAction(a)}`);
  for (const b of r.actions.blocks)
    p(`  blocked ${printable(b.ip)} until ${iso(b.expiresAt)} (${printable(b.backend)})`);
  if (r.actions.pendingRecommendations)
    p(`  ${r.actions.pendingRecommendations} recommendation(s) waiting for approval`);
  p('');
  const m = r.model;
  p(
    `model: ${printable(m.version ?? 'none')}  threshold ${m.threshold ?? '-'}  ${m.models.map((x) => `${printable(x.name)}=${x.role}`).join(' ')}`,
  );
  if (m.lastError) p(`  last load error: ${printable(m.lastError)}`);
  if (m.updates.enabled)
    p(`  updates: last check ${iso(m.updates.lastCheckAt)} ${printable(m.updates.lastResult ?? '')}`);
  const cp = r.controlPlane;
  p(
    `control plane: ${cp.configured ? `${printable(cp.url)} ${printable(cp.state)}${cp.agentId ? ` as ${printable(cp.agentId)}` : ''}, last heartbeat ${iso(cp.lastHeartbeatAt)}` : 'not configured'}`,
  );
  if (cp.lastError) p(`  last error: ${printable(cp.lastError)}`);
  const sp = r.spool;
  p(
    `spool: ${sp.count}/${sp.maxItems} items, ${bytes(sp.bytes)}/${bytes(sp.maxBytes)}${sp.fullRejections ? `, FULL ${sp.fullRejections} times` : ''}${sp.deadLettered ? `, ${sp.deadLettered} dead-lettered` : ''}`,
  );
  const cw = r.shipper.cloudwatch;
  if (cw)
    p(
      `cloudwatch: ${printable(cw.logGroup)}/${printable(cw.logStream)} sent ${cw.sent} rejected ${cw.rejected}${cw.lastError ? ` last error: ${printable(cw.lastError)}` : ''}`,
    );
  return `${out.join('\n')}\n`;
}

export function renderAction(a: ActionSummary): string {
  const who = a.approvedBy ? ` approved by ${printable(a.approvedBy, 64)}` : '';
  return `${iso(a.at)} ${printable(a.playbook)} ${printable(a.mode)} ${printable(a.decision)}/${printable(a.result)}${a.dryRun ? ' DRY-RUN' : ''} ${printable(a.target, 80)}: ${printable(a.why, 160)}${who}`;
}
