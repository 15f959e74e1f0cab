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
import { type FusionDoc, fuseScores, validateFusionDoc } from './fusion.ts';
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
  /** The row's anomaly score in [0, 1]: the fused score when the bundle has a fusion, else detector P(anomaly). */
  score: number;
  /** The typer's guess; 'unknown' without a typer and, by default, on rows under the threshold. */
  type: AnomalyType | 'unknown';
  /** Typer probability of `type` (absent without a typer, and on rows the typer was not run on). */
  typeProb?: number;
  /** The model the score is from: 'fused' for a fused score, else the detector's kind. */
  model?: ModelName;
  /**
   * Every row model's score. Without fusion: raw scores, the detector first. With fusion: each input's calibrated
   * score (share of validation-normal windows scoring lower), the model that drove the fused score first.
   */
  contributors: { model: ModelName; score: number }[];
}

export interface ModelRole {
  name: string;
  kind: string;
  role: 'detector' | 'typer' | 'contributor' | 'fusion' | 'reference' | 'not-scored';
  why?: string;
}

export interface ScorerOptions {
  expectedFeatureHash: string;
  /** Longest a queued row waits for company in the micro-batcher. */
  maxDelayMs?: number;
  /**
   * Which rows the typer names: 'firing' (default: rows at or over the threshold; the others stay 'unknown') or
   * 'all' (every row, as before 1.1.0; costs about 5 ms per 1,024 rows on one core).
   */
  typeRows?: 'firing' | 'all';
}

const KNOWN_TYPES = new Set<string>(ANOMALY_TYPES);
const asModelName = (kind: string): ModelName =>
  (MODEL_NAMES as readonly string[]).includes(kind) ? (kind as ModelName) : 'fused';

/**
 * The bundle as the pipeline uses it. Bundles with roles in the manifest (1.1.0 on) say which model detects, types,
 * contributes and fuses; older ones are read as before (the named or first row classifier detects, a multi-label row
 * model types, other single-score row models contribute). With a fusion, the fused score is the row's score and the
 * fusion's threshold the alert threshold; without, the detector's. Models of other shapes (sequence LSTMs,
 * forecasts) are loaded and verified but not scored on the hot path.
 */
export class BundleScorer {
  readonly version: string;
  readonly threshold: number;
  readonly roles: ModelRole[];
  private readonly detector: LoadedModel;
  private readonly typer: LoadedModel | undefined;
  private readonly typeLabels: string[];
  private readonly contributors: LoadedModel[];
  private readonly fusion: { doc: FusionDoc; inputs: LoadedModel[] } | undefined;
  private readonly width: number;
  private inFlight = 0;

  private constructor(
    readonly bundle: ModelBundle,
    private readonly typeAll = false,
  ) {
    const m = bundle.manifest;
    this.version = m.bundleVersion;
    this.width = m.featureSchema.names.length;
    const models = bundle.modelNames.map((n) => bundle.model(n));
    const picked = assignRoles(models, this.width, bundle.dir);
    this.detector = picked.detector;
    this.typer = picked.typer;
    this.contributors = picked.contributors;
    this.typeLabels = this.typer?.entry.labels ?? m.labelSet;
    this.fusion = picked.fusion && fusionOf(picked.fusion, [picked.detector, ...picked.contributors], bundle.dir);
    const threshold = this.fusion
      ? (m.thresholds.fused ?? this.fusion.doc.threshold)
      : (m.thresholds[this.detector.entry.name] ?? this.detector.entry.threshold);
    if (threshold === undefined || !(threshold > 0 && threshold <= (this.fusion ? 1 : 1 - Number.EPSILON))) {
      throw new Error(
        `bundle ${bundle.dir}: ${this.fusion ? 'fusion' : `detector '${this.detector.entry.name}'`} has no threshold in (0, 1)`,
      );
    }
    this.threshold = threshold;
    this.roles = models.map((x) => {
      const role =
        x === this.detector
          ? 'detector'
          : x === this.typer
            ? 'typer'
            : this.contributors.includes(x)
              ? 'contributor'
              : x === picked.fusion
                ? 'fusion'
                : x.entry.role === 'reference'
                  ? 'reference'
                  : 'not-scored';
      return {
        name: x.entry.name,
        kind: x.entry.kind,
        role,
        ...(role === 'not-scored'
          ? { why: `input ${JSON.stringify(x.entry.inputDims ?? x.entry.format)} is not one feature row` }
          : {}),
      };
    });
  }

  /** Loads and verifies (hashes, feature schema) a bundle directory. */
  static async load(dir: string, opts: ScorerOptions): Promise<BundleScorer> {
    const bundle = await loadBundle(dir, {
      expectedFeatureHash: opts.expectedFeatureHash,
      maxDelayMs: opts.maxDelayMs ?? 0,
    });
    try {
      return new BundleScorer(bundle, opts.typeRows === 'all');
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

  /** Scores rows with every row model in one inference call each, then fuses when the bundle has a fusion. */
  async score(rows: readonly WindowRow[]): Promise<RowScore[]> {
    const n = rows.length;
    if (n === 0) return [];
    const packed = new Float32Array(n * this.width);
    for (let i = 0; i < n; i++) packed.set(rows[i].features, i * this.width);
    this.inFlight++;
    try {
      const [det, ...extra] = await Promise.all([
        this.bundle.score(this.detector.entry.name, packed, n),
        ...this.contributors.map((c) => this.bundle.score(c.entry.name, packed, n)),
      ]);
      const out = this.fusion
        ? this.fusedScores(rows, [det, ...extra])
        : rows.map((_, i) => this.rowScore(i, det, extra));
      if (this.typer) await this.typeRows(this.typer, out, packed);
      return out;
    } finally {
      this.inFlight--;
    }
  }

  private fusedScores(rows: readonly WindowRow[], outputs: Float32Array[]): RowScore[] {
    const { doc, inputs } = this.fusion as NonNullable<typeof this.fusion>;
    const scorers = [this.detector, ...this.contributors];
    const raw = inputs.map((x) => outputs[scorers.indexOf(x)]);
    const names = inputs.map((x) => asModelName(x.entry.kind));
    const M = inputs.length;
    const fused = fuseScores(
      doc,
      raw,
      rows.map((r) => r.entity.kind),
    );
    return rows.map((_, i) => {
      const main = fused.main[i];
      const contributors = [{ model: names[main], score: fused.calibrated[i * M + main] }];
      for (let m = 0; m < M; m++) {
        if (m !== main) contributors.push({ model: names[m], score: fused.calibrated[i * M + m] });
      }
      return { type: 'unknown', score: clamp01(fused.score[i]), model: 'fused', contributors };
    });
  }

  private rowScore(i: number, det: Float32Array, extra: Float32Array[]): RowScore {
    const score = clamp01(det[i]);
    const model = asModelName(this.detector.entry.kind);
    const contributors = [{ model, score }];
    for (const [k, s] of extra.entries())
      contributors.push({ model: asModelName(this.contributors[k].entry.kind), score: s[i] });
    return { type: 'unknown', score, model, contributors };
  }

  /**
   * Names the type of the rows that fire (or of every row with typeRows 'all'): the typer is the largest model in
   * the bundle and its guess only means something for an anomalous window, so the hot path skips it otherwise.
   */
  private async typeRows(typer: LoadedModel, out: RowScore[], packed: Float32Array): Promise<void> {
    const idx: number[] = [];
    for (let i = 0; i < out.length; i++) if (this.typeAll || out[i].score >= this.threshold) idx.push(i);
    if (idx.length === 0) return;
    const w = this.width;
    const sub = idx.length === out.length ? packed : new Float32Array(idx.length * w);
    if (sub !== packed) for (const [k, i] of idx.entries()) sub.set(packed.subarray(i * w, (i + 1) * w), k * w);
    const typ = await this.bundle.score(typer.entry.name, sub, idx.length);
    const c = this.typeLabels.length;
    idx.forEach((i, k) => {
      let best = 0;
      for (let j = 1; j < c; j++) if (typ[k * c + j] > typ[k * c + best]) best = j;
      const label = this.typeLabels[best];
      out[i].type = KNOWN_TYPES.has(label) ? (label as AnomalyType) : 'unknown';
      out[i].typeProb = typ[k * c + best];
    });
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

const rowModelOf = (width: number) => (x: LoadedModel) =>
  x.entry.format === 'onnx' && x.entry.inputDims?.length === 1 && x.entry.inputDims[0] === width;

interface Picked {
  detector: LoadedModel;
  typer: LoadedModel | undefined;
  contributors: LoadedModel[];
  fusion: LoadedModel | undefined;
}

/** Roles from the manifest when it declares them, else inferred the way 1.0.0 bundles were read. */
function assignRoles(models: LoadedModel[], width: number, dir: string): Picked {
  const rowModel = rowModelOf(width);
  if (models.some((x) => x.entry.role !== undefined)) {
    const detector = models.find((x) => x.entry.role === 'detector');
    if (!detector || !rowModel(detector) || detector.entry.outputColumn === undefined) {
      throw new Error(`bundle ${dir}: the detector role needs a row model with an outputColumn`);
    }
    const misfit = models.find((x) => (x.entry.role === 'typer' || x.entry.role === 'contributor') && !rowModel(x));
    if (misfit)
      throw new Error(`bundle ${dir}: model '${misfit.entry.name}' (${misfit.entry.role}) is not a row model`);
    return {
      detector,
      typer: models.find((x) => x.entry.role === 'typer'),
      contributors: models.filter((x) => x.entry.role === 'contributor'),
      fusion: models.find((x) => x.entry.role === 'fusion'),
    };
  }
  const detector =
    models.find((x) => x.entry.name === 'detector' && rowModel(x)) ??
    models.find((x) => x.entry.kind === 'xgboost' && rowModel(x) && x.entry.outputColumn !== undefined);
  if (!detector) throw new Error(`bundle ${dir}: no detector (a row model with an outputColumn)`);
  const typer = models.find(
    (x) => x !== detector && rowModel(x) && x.entry.outputColumn === undefined && (x.entry.labels?.length ?? 0) > 1,
  );
  const contributors = models.filter(
    (x) => x !== detector && x !== typer && rowModel(x) && x.entry.outputColumn !== undefined,
  );
  return { detector, typer, contributors, fusion: undefined };
}

/** The fusion document, checked against the models it names (each must be the detector or a contributor). */
function fusionOf(model: LoadedModel, scorers: LoadedModel[], dir: string) {
  const doc = validateFusionDoc(model.document, `bundle ${dir}, fusion '${model.entry.name}' (${model.entry.file})`);
  const inputs = doc.inputs.map((input) => {
    const x = scorers.find((s) => s.entry.name === input.model);
    if (!x) {
      throw new Error(
        `bundle ${dir}: fusion input '${input.model}' is not the detector or a contributor (${scorers.map((s) => s.entry.name).join(', ')})`,
      );
    }
    return x;
  });
  return { doc, inputs };
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
    model: s.model ?? s.contributors[0].model,
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
