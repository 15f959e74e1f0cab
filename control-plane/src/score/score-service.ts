import type { WindowRow } from '../../../models/src/features/engine.ts';
import { createParser } from '../../../models/src/parse/registry.ts';
import type { LogFormat, ParseContext } from '../../../models/src/parse/types.ts';
import type { FeatureContribution, LogEvent } from '../../../models/src/schema/index.ts';
import type { CloudDetector } from '../detect/cloud-detector.ts';
import { emptyBatch, type ParsedBatch, reject } from '../ingest/parse-events.ts';

export interface ScoreRequest {
  events?: LogEvent[];
  format?: LogFormat;
  lines?: string[];
  /** Top features per explained row (default 5). */
  topFeatures?: number;
  /**
   * Which rows get TreeSHAP top features: 'anomalous' (default: rows at or over the threshold), 'all', or 'none'.
   * TreeSHAP costs ~1-2 ms per row, far more than scoring, so explaining every row is opt-in.
   */
  explain?: 'anomalous' | 'all' | 'none';
}

export interface ScoredWindow {
  entity: { kind: string; id: string };
  window: { start: number; end: number };
  score: number;
  anomalous: boolean;
  type: string;
  typeProb?: number;
  topFeatures: FeatureContribution[];
  lines: string[];
  targets: Record<string, string | number>;
}

export interface ScoreResponse {
  modelVersion: string;
  threshold: number;
  events: number;
  rejectedCount: number;
  rejected: ParsedBatch['rejected'];
  rows: ScoredWindow[];
}

/** Raw lines of one format, parsed with one parser (per-stream state such as the VPC header lives in it). */
function parseLines(format: LogFormat, lines: readonly string[], now: number): ParsedBatch {
  const out = emptyBatch();
  const parser = createParser(format, { referenceTimeMs: now });
  const ctx: ParseContext = { file: 'lines', line: 0 };
  for (let i = 0; i < lines.length; i++) {
    ctx.line = i + 1;
    const res = parser.parse(lines[i], ctx);
    if (res.ok) out.events.push(res.event);
    else if ('skip' in res) out.skipped++;
    else reject(out, { file: `lines.${i}`, line: i + 1, ...res.error });
  }
  return out;
}

/**
 * Stateless scoring for the inference API: a fresh FeatureEngine per request (no request sees another's baseline),
 * events sorted by time, the engine flushed at the end, and every resulting entity-window returned with its score.
 */
export async function scoreRequest(detector: CloudDetector, req: ScoreRequest, now: number): Promise<ScoreResponse> {
  const parsed = req.lines && req.format ? parseLines(req.format, req.lines, now) : emptyBatch();
  const events = req.events ? [...req.events, ...parsed.events] : parsed.events;
  events.sort((a, b) => a.ts - b.ts);
  const engine = detector.newEngine();
  const rows: WindowRow[] = [];
  for (const e of events) engine.push(e, rows);
  engine.flush(rows);
  const scored = await detector.scoreRows(rows);
  const k = req.topFeatures ?? 5;
  const mode = req.explain ?? 'anomalous';
  const explain = (anomalous: boolean) => k > 0 && (mode === 'all' || (mode === 'anomalous' && anomalous));
  return {
    modelVersion: detector.scorer.version,
    threshold: detector.threshold,
    events: events.length,
    rejectedCount: parsed.rejectedCount,
    rejected: parsed.rejected,
    rows: scored.map((s) => ({
      entity: s.row.entity,
      window: { start: s.row.start, end: s.row.end },
      score: s.score.score,
      anomalous: s.anomalous,
      type: s.score.type,
      ...(s.score.typeProb === undefined ? {} : { typeProb: s.score.typeProb }),
      topFeatures: explain(s.anomalous) ? detector.explain(s.row, k) : [],
      lines: s.row.lines.slice(0, 5),
      targets: s.row.targets,
    })),
  };
}
