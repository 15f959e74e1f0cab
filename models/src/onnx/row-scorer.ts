import type { WindowRow } from '../features/engine.ts';
import {
  ANOMALY_TYPES,
  type Anomaly,
  type AnomalyType,
  type FeatureContribution,
  type LogSource,
  MODEL_NAMES,
  type ModelName,
  type Severity,
} from '../schema/index.ts';
import { type LoadedModel, loadBundle, type ModelBundle } from './index.ts';

/** Severity from how far past the threshold the score is (0 at the threshold, 1 at certainty). */
export function severityOf(score: number, threshold: number): Severity {
  const over = threshold >= 1 ? 1 : (score - threshold) / (1 - threshold);
  if (over >= 0.85) return 'critical';
  if (over >= 0.5) return 'high';
  if (over >= 0.2) return 'medium';
  return 'low';
}

/** What the bundle says about one row. */
export interface RowScore {
  /** Detector P(anomaly). */
  score: number;
  type: AnomalyType | 'unknown';
  /** Typer probability of `type` (absent without a typer). */
  typeProb?: number;
  /** Every row model's score, the detector first. */
  contributors: { model: ModelName; score: number }[];
}

export interface ModelRole {
  name: string;
  kind: string;
  role: 'detector' | 'typer' | 'contributor' | 'not-scored';
  why?: string;
}

export interface ScorerOptions {
  expectedFeatureHash: string;
  /** Longest a queued row waits for company in the micro-batcher. */
  maxDelayMs?: number;
}

const KNOWN_TYPES = new Set<string>(ANOMALY_TYPES);
const asModelName = (kind: string): ModelName =>
  (MODEL_NAMES as readonly string[]).includes(kind) ? (kind as ModelName) : 'fused';

/**
 * The bundle as the pipeline uses it: the detector decides, the typer names the type, and any other model that takes
 * one feature row and returns one score (autoencoder, extra classifiers) is reported as a contributor. Models of
 * other shapes (sequence LSTMs, forecasters) are loaded and verified but listed as not scored by the agent.
 */
export class BundleScorer {
  readonly version: string;
  readonly threshold: number;
  readonly roles: ModelRole[];
  private readonly detector: LoadedModel;
  private readonly typer: LoadedModel | undefined;
  private readonly typeLabels: string[];
  private readonly contributors: LoadedModel[];
  private readonly width: number;
  private inFlight = 0;

  private constructor(readonly bundle: ModelBundle) {
    const m = bundle.manifest;
    this.version = m.bundleVersion;
    this.width = m.featureSchema.names.length;
    const models = bundle.modelNames.map((n) => bundle.model(n));
    const rowModel = (x: LoadedModel) =>
      x.entry.format === 'onnx' && x.entry.inputDims?.length === 1 && x.entry.inputDims[0] === this.width;
    const detector =
      models.find((x) => x.entry.name === 'detector' && rowModel(x)) ??
      models.find((x) => x.entry.kind === 'xgboost' && rowModel(x) && x.entry.outputColumn !== undefined);
    if (!detector) throw new Error(`bundle ${bundle.dir}: no detector (a row model with an outputColumn)`);
    const threshold = m.thresholds[detector.entry.name] ?? detector.entry.threshold;
    if (threshold === undefined || !(threshold > 0 && threshold < 1)) {
      throw new Error(`bundle ${bundle.dir}: detector '${detector.entry.name}' has no threshold in (0, 1)`);
    }
    this.detector = detector;
    this.threshold = threshold;
    this.typer = models.find(
      (x) => x !== detector && rowModel(x) && x.entry.outputColumn === undefined && (x.entry.labels?.length ?? 0) > 1,
    );
    this.typeLabels = this.typer?.entry.labels ?? m.labelSet;
    this.contributors = models.filter(
      (x) => x !== detector && x !== this.typer && rowModel(x) && x.entry.outputColumn !== undefined,
    );
    this.roles = models.map((x) => ({
      name: x.entry.name,
      kind: x.entry.kind,
      role:
        x === detector
          ? 'detector'
          : x === this.typer
            ? 'typer'
            : this.contributors.includes(x)
              ? 'contributor'
              : 'not-scored',
      ...(x === detector || x === this.typer || this.contributors.includes(x)
        ? {}
        : { why: `input ${JSON.stringify(x.entry.inputDims ?? x.entry.format)} is not one feature row` }),
    }));
  }

  /** Loads and verifies (hashes, feature schema) a bundle directory. */
  static async load(dir: string, opts: ScorerOptions): Promise<BundleScorer> {
    const bundle = await loadBundle(dir, {
      expectedFeatureHash: opts.expectedFeatureHash,
      maxDelayMs: opts.maxDelayMs ?? 0,
    });
    try {
      return new BundleScorer(bundle);
    } catch (err) {
      await bundle.close();
      throw err;
    }
  }

  get dir(): string {
    return this.bundle.dir;
  }

  get detectorName(): string {
    return this.detector.entry.name;
  }

  /** Scores rows with every row model in one inference call each. */
  async score(rows: readonly WindowRow[]): Promise<RowScore[]> {
    const n = rows.length;
    if (n === 0) return [];
    const packed = new Float32Array(n * this.width);
    for (let i = 0; i < n; i++) packed.set(rows[i].features, i * this.width);
    this.inFlight++;
    try {
      const [det, typ, ...extra] = await Promise.all([
        this.bundle.score(this.detector.entry.name, packed, n),
        this.typer ? this.bundle.score(this.typer.entry.name, packed, n) : Promise.resolve(undefined),
        ...this.contributors.map((c) => this.bundle.score(c.entry.name, packed, n)),
      ]);
      return rows.map((_, i) => this.rowScore(i, det, typ, extra));
    } finally {
      this.inFlight--;
    }
  }

  private rowScore(i: number, det: Float32Array, typ: Float32Array | undefined, extra: Float32Array[]): RowScore {
    const score = clamp01(det[i]);
    const contributors = [{ model: asModelName(this.detector.entry.kind), score }];
    for (const [k, s] of extra.entries())
      contributors.push({ model: asModelName(this.contributors[k].entry.kind), score: s[i] });
    if (!typ) return { score, type: 'unknown', contributors };
    const c = this.typeLabels.length;
    let best = 0;
    for (let k = 1; k < c; k++) if (typ[i * c + k] > typ[i * c + best]) best = k;
    const label = this.typeLabels[best];
    return {
      score,
      type: KNOWN_TYPES.has(label) ? (label as AnomalyType) : 'unknown',
      typeProb: typ[i * c + best],
      contributors,
    };
  }

  /** TreeSHAP top features of the detector's score for one row (missing values are left out: nothing to show). */
  explain(row: WindowRow, topK: number): FeatureContribution[] {
    if (!this.detector.ensemble) return [];
    return this.bundle
      .explain(this.detector.entry.name, row.features, topK + 4)
      .filter((c) => Number.isFinite(c.value) && Number.isFinite(c.contribution))
      .slice(0, topK)
      .map((c) => ({ name: c.name ?? `f${c.feature}`, value: c.value, contribution: c.contribution }));
  }

  /** Waits for in-flight scoring, then releases the ONNX sessions. */
  async close(): Promise<void> {
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    await this.bundle.close();
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

const MAX_LINE = 8192;
const MAX_ID = 512;

export interface AnomalyFields {
  id: string;
  source: LogSource;
  now: number;
  topFeatures: number;
  evidenceLines: number;
  host?: string;
}

/**
 * The contract's Anomaly for a row the detector scored over its threshold: the one place evidence is assembled and
 * bounded (ids, lines and targets are cut to the schema's limits; non-finite numbers are dropped), for the agent and
 * the control plane alike. The caller decides the id scheme and the source.
 */
export function anomalyFromRow(row: WindowRow, s: RowScore, scorer: BundleScorer, f: AnomalyFields): Anomaly {
  const targets: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(row.targets)) {
    if (typeof v === 'string') targets[k] = v.slice(0, MAX_ID);
    else if (Number.isFinite(v)) targets[k] = v;
  }
  const anomaly: Anomaly = {
    id: f.id,
    type: s.type,
    entity: { kind: row.entity.kind, id: row.entity.id.slice(0, MAX_ID) },
    source: f.source,
    window: { start: row.start, end: row.end },
    score: s.score,
    threshold: scorer.threshold,
    model: s.contributors[0].model,
    modelVersion: scorer.version,
    severity: severityOf(s.score, scorer.threshold),
    evidence: {
      topFeatures: scorer.explain(row, f.topFeatures),
      lines: row.lines.slice(0, f.evidenceLines).map((l) => l.slice(0, MAX_LINE)),
      contributors: s.contributors.filter((c) => Number.isFinite(c.score)),
      targets,
    },
    detectedAt: f.now,
  };
  if (f.host !== undefined) anomaly.host = f.host;
  return anomaly;
}
