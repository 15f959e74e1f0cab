import path from 'node:path';
import { type DeepLogEvalOptions, type DeepLogEvalResult, type EvalSession, evaluateDeepLog } from './deeplog-eval.ts';
import { readStructuredCsv } from './loghub-csv.ts';

/*
 * DeepLog on the Loghub 2k samples, with ground-truth templates (EventId) so the figure measures the model, not a
 * parser. BGL: per-line alert labels ('-' = normal), lines in time order, sessions = fixed windows of
 * `windowLines` consecutive lines (anomalous if any line is), split chronologically by line BEFORE windowing so no
 * window straddles train and test. HDFS_2k has no labels in the repository, so only the flag rate is reported.
 * 2,000 lines give ~100 BGL windows, ~20 of them in test: the F1 is very noisy and not comparable in scale to
 * figures on the full 4.7M-line dataset.
 */

/** DeepLog on BGL with a chronological split, F1 as stated in the project brief (Le & Zhang, ICSE 2022). */
export const PUBLISHED_DEEPLOG_BGL_F1 = 0.43;

export interface LoghubEvalOptions extends DeepLogEvalOptions {
  windowLines?: number;
  /** Window step in lines (default = windowLines: non-overlapping). */
  stepLines?: number;
}

export interface LoghubReport {
  dataset: string;
  file: string;
  lines: number;
  rejectedLines: { line: number; reason: string }[];
  anomalousLines: number | null;
  windowLines: number;
  stepLines: number;
  result: DeepLogEvalResult;
  publishedF1?: number;
}

function windows(templates: string[], labels: boolean[] | null, size: number, step: number): EvalSession[] {
  const out: EvalSession[] = [];
  for (let s = 0; s + size <= templates.length; s += step) {
    out.push({
      templates: templates.slice(s, s + size),
      ...(labels ? { label: labels.slice(s, s + size).some(Boolean) } : {}),
    });
  }
  return out;
}

export async function evaluateLoghubBgl(sharedDataDir: string, opts: LoghubEvalOptions = {}): Promise<LoghubReport> {
  const file = path.join(sharedDataDir, 'loghub', 'BGL', 'BGL_2k.log_structured.csv');
  const csv = await readStructuredCsv(file, ['LineId', 'Label', 'Timestamp', 'EventId']);
  const rejected = [...csv.rejected];
  const rows = csv.rows.filter((r, i) => {
    const ok = /^\d{1,12}$/.test(r.Timestamp) && r.EventId !== '';
    if (!ok) rejected.push({ line: csv.lines[i], reason: `bad Timestamp '${r.Timestamp}' or empty EventId` });
    return ok;
  });
  // Stable sort: lines with equal timestamps keep file order.
  rows.sort((a, b) => Number(a.Timestamp) - Number(b.Timestamp));
  const size = opts.windowLines ?? 20;
  const step = opts.stepLines ?? size;
  const cut = Math.floor(rows.length * (opts.trainFraction ?? 0.8));
  const templates = rows.map((r) => r.EventId);
  const labels = rows.map((r) => r.Label !== '-');
  const trainWindows = windows(templates.slice(0, cut), labels.slice(0, cut), size, step);
  const testWindows = windows(templates.slice(cut), labels.slice(cut), size, step);
  const sessions = [...trainWindows, ...testWindows];
  const result = await evaluateDeepLog(sessions, {
    ...opts,
    trainFraction: trainWindows.length / sessions.length,
  });
  return {
    dataset: 'BGL_2k',
    file,
    lines: rows.length,
    rejectedLines: rejected,
    anomalousLines: labels.filter(Boolean).length,
    windowLines: size,
    stepLines: step,
    result,
    publishedF1: PUBLISHED_DEEPLOG_BGL_F1,
  };
}

/** HDFS_2k: sessions = block ids (blk_…) in order of first appearance; unlabelled, so the flag rate only. */
export async function evaluateLoghubHdfs(sharedDataDir: string, opts: DeepLogEvalOptions = {}): Promise<LoghubReport> {
  const file = path.join(sharedDataDir, 'loghub', 'HDFS', 'HDFS_2k.log_structured.csv');
  const csv = await readStructuredCsv(file, ['LineId', 'Content', 'EventId']);
  const rejected = [...csv.rejected];
  const blocks = new Map<string, string[]>();
  csv.rows.forEach((r, i) => {
    const ids = new Set(r.Content.match(/blk_-?\d{1,30}/g) ?? []);
    if (ids.size === 0 || r.EventId === '')
      rejected.push({ line: csv.lines[i], reason: 'no block id or empty EventId' });
    for (const id of ids) {
      const list = blocks.get(id) ?? [];
      list.push(r.EventId);
      blocks.set(id, list);
    }
  });
  const sessions: EvalSession[] = [...blocks.values()].map((templates) => ({ templates }));
  const result = await evaluateDeepLog(sessions, { ...opts, trainFraction: opts.trainFraction ?? 0.8 });
  return {
    dataset: 'HDFS_2k',
    file,
    lines: csv.rows.length,
    rejectedLines: rejected,
    anomalousLines: null,
    windowLines: 0,
    stepLines: 0,
    result,
  };
}

export function formatLoghubReport(r: LoghubReport): string {
  const res = r.result;
  const m = res.metrics;
  const lines = [
    `${r.dataset}: ${r.lines} lines (${r.rejectedLines.length} rejected), ${res.trainSessions} train / ${res.testSessions} test sessions` +
      (r.windowLines ? ` (windows of ${r.windowLines} lines, step ${r.stepLines})` : ''),
    `vocabulary ${res.vocabSize} (incl. pad/unknown); unseen test events ${res.unseenTestEvents}; backend ${res.backend}, ${res.epochs} epochs, ${(res.trainMs / 1000).toFixed(1)} s`,
    m
      ? `g=${m.g}: precision ${m.precision.toFixed(3)} recall ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} (tp ${m.tp} fp ${m.fp} fn ${m.fn} tn ${m.tn}; ${res.testAnomalous} anomalous test sessions)`
      : `g=${res.g}: ${res.flagged}/${res.testSessions} test sessions flagged (no labels: no precision/recall)`,
  ];
  const k = res.metricsKnownOnly;
  if (k)
    lines.push(
      `seen templates only: precision ${k.precision.toFixed(3)} recall ${k.recall.toFixed(3)} F1 ${k.f1.toFixed(3)}`,
    );
  if (res.allFlaggedF1 !== null) lines.push(`flag-everything baseline F1 ${res.allFlaggedF1.toFixed(3)}`);
  if (r.publishedF1 !== undefined)
    lines.push(`published DeepLog on BGL (chronological, full dataset): F1 ${r.publishedF1}`);
  if (res.sweep.length > 0) {
    lines.push(
      `g sweep (test-set reference, not a tuned result): ${res.sweep.map((c) => `g=${c.g} F1 ${c.f1.toFixed(3)}`).join(', ')}`,
    );
  }
  return lines.join('\n');
}
