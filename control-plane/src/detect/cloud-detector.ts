import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FeatureConfig, FeatureEngine, type WindowRow } from '../../../models/src/features/engine.ts';
import { BundleScorer, type RowScore } from '../../../models/src/onnx/row-scorer.ts';
import type { Anomaly, FeatureContribution, LogEvent, LogSource } from '../../../models/src/schema/index.ts';
import { buildCloudAnomaly } from './cloud-anomaly.ts';

/** The bundle shipped in the repository; deployments point `bundleDir` at the registry's current bundle instead. */
export const DEFAULT_BUNDLE_DIR = path.resolve(fileURLToPath(import.meta.url), '../../../../models/bundles/default');

export interface CloudDetectorOptions {
  bundleDir?: string;
  featureConfig?: Partial<FeatureConfig>;
  /** Score open windows after every batch so a burst is reported before its window closes (default true). */
  snapshots?: boolean;
  topFeatures?: number;
  evidenceLines?: number;
  /** Rows per inference call. */
  batchRows?: number;
  clock?: () => number;
}

/** One scored entity-window, whether or not it crossed the threshold. */
export interface ScoredRow {
  row: WindowRow;
  score: RowScore;
  anomalous: boolean;
}

export interface DetectResult {
  anomalies: Anomaly[];
  rowsScored: number;
}

/**
 * Scores cloud events (VPC, S3, Lambda, CloudTrail) with the model bundle and the same FeatureEngine the agent and
 * training use. One engine per source stream: sources are pulled independently and arrive in separate time orders,
 * so sharing one engine would make every other source's events "late" and blur their windows.
 */
export class CloudDetector {
  private readonly engines = new Map<LogSource, FeatureEngine>();
  private readonly clock: () => number;
  private readonly batchRows: number;

  private constructor(
    readonly scorer: BundleScorer,
    private readonly opts: CloudDetectorOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
    this.batchRows = opts.batchRows ?? 1024;
  }

  static async load(opts: CloudDetectorOptions = {}): Promise<CloudDetector> {
    const expectedFeatureHash = new FeatureEngine(opts.featureConfig).schema.hash;
    const scorer = await BundleScorer.load(opts.bundleDir ?? DEFAULT_BUNDLE_DIR, {
      expectedFeatureHash,
      maxDelayMs: 0,
    });
    return new CloudDetector(scorer, opts);
  }

  get threshold(): number {
    return this.scorer.threshold;
  }

  /** A fresh engine with this detector's feature config (the inference API uses one per request). */
  newEngine(): FeatureEngine {
    return new FeatureEngine(this.opts.featureConfig);
  }

  private engine(source: LogSource): FeatureEngine {
    let e = this.engines.get(source);
    if (!e) this.engines.set(source, (e = this.newEngine()));
    return e;
  }

  /** Pushes a batch of one source's events; returns anomalies from closed windows and (optionally) open ones. */
  async ingest(source: LogSource, events: readonly LogEvent[]): Promise<DetectResult> {
    const engine = this.engine(source);
    const rows: WindowRow[] = [];
    for (const e of events) engine.push(e, rows);
    if (this.opts.snapshots !== false) engine.snapshot(undefined, rows);
    return this.detect(source, rows);
  }

  /** Closes every open window of a source (end of input, shutdown) and scores them. */
  async flush(source: LogSource): Promise<DetectResult> {
    const engine = this.engines.get(source);
    return engine ? this.detect(source, engine.flush()) : { anomalies: [], rowsScored: 0 };
  }

  /** Scores rows in micro-batches of `batchRows`. */
  async scoreRows(rows: readonly WindowRow[]): Promise<ScoredRow[]> {
    const out: ScoredRow[] = [];
    for (let i = 0; i < rows.length; i += this.batchRows) {
      const chunk = rows.slice(i, i + this.batchRows);
      const scores = await this.scorer.score(chunk);
      for (let k = 0; k < chunk.length; k++) {
        out.push({ row: chunk[k], score: scores[k], anomalous: scores[k].score >= this.scorer.threshold });
      }
    }
    return out;
  }

  explain(row: WindowRow, topK = this.opts.topFeatures ?? 5): FeatureContribution[] {
    return this.scorer.explain(row, topK);
  }

  private async detect(source: LogSource, rows: readonly WindowRow[]): Promise<DetectResult> {
    const scored = await this.scoreRows(rows);
    const now = this.clock();
    const anomalies: Anomaly[] = [];
    for (const s of scored) {
      if (!s.anomalous) continue;
      anomalies.push(
        buildCloudAnomaly(s.row, s.score, this.scorer, source, {
          now,
          topFeatures: this.opts.topFeatures ?? 5,
          evidenceLines: this.opts.evidenceLines ?? 8,
        }),
      );
    }
    return { anomalies, rowsScored: scored.length };
  }

  async close(): Promise<void> {
    await this.scorer.close();
  }
}
