import { type FeatureConfig, FeatureEngine, type WindowRow } from '../features/engine.ts';
import { FEATURE_COUNT } from '../features/schema.ts';
import type { EntityRef, LogEvent } from '../schema/index.ts';

/** Feature rows in columnar form: one Float32Array for the matrix keeps 100k rows × 90 features at ~36 MB. */
export interface RowSet {
  nFeatures: number;
  X: Float32Array;
  entities: EntityRef[];
  starts: Float64Array;
  ends: Float64Array;
  targets: Record<string, string | number>[];
  lines: string[][];
  get length(): number;
}

export class RowSetBuilder {
  private X = new Float32Array(FEATURE_COUNT * 1024);
  private starts = new Float64Array(1024);
  private ends = new Float64Array(1024);
  private readonly entities: EntityRef[] = [];
  private readonly targets: Record<string, string | number>[] = [];
  private readonly lines: string[][] = [];
  private n = 0;

  constructor(private readonly keepEvidence = false) {}

  add(row: WindowRow): void {
    if (this.n === this.starts.length) this.grow();
    this.X.set(row.features, this.n * FEATURE_COUNT);
    this.starts[this.n] = row.start;
    this.ends[this.n] = row.end;
    this.entities.push(row.entity);
    this.targets.push(row.targets);
    this.lines.push(this.keepEvidence ? row.lines : []);
    this.n++;
  }

  private grow(): void {
    const cap = this.starts.length * 2;
    const X = new Float32Array(cap * FEATURE_COUNT);
    X.set(this.X);
    this.X = X;
    const s = new Float64Array(cap);
    s.set(this.starts);
    this.starts = s;
    const e = new Float64Array(cap);
    e.set(this.ends);
    this.ends = e;
  }

  build(): RowSet {
    const n = this.n;
    return {
      nFeatures: FEATURE_COUNT,
      X: this.X.subarray(0, n * FEATURE_COUNT),
      entities: this.entities,
      starts: this.starts.subarray(0, n),
      ends: this.ends.subarray(0, n),
      targets: this.targets,
      lines: this.lines,
      get length() {
        return n;
      },
    };
  }
}

/** Replays an event stream through the serving feature engine and collects every closed window. */
export async function buildRows(
  events: AsyncIterable<LogEvent>,
  opts: { feature?: Partial<FeatureConfig>; hostTypes?: Record<string, string>; keepEvidence?: boolean } = {},
): Promise<{ rows: RowSet; engine: FeatureEngine; events: number }> {
  const engine = new FeatureEngine(opts.feature);
  for (const [host, type] of Object.entries(opts.hostTypes ?? {})) engine.setHostContext(host, type);
  const builder = new RowSetBuilder(opts.keepEvidence);
  const out: WindowRow[] = [];
  let count = 0;
  for await (const e of events) {
    count++;
    engine.push(e, out);
    if (out.length > 0) {
      for (const r of out) builder.add(r);
      out.length = 0;
    }
  }
  for (const r of engine.flush()) builder.add(r);
  return { rows: builder.build(), engine, events: count };
}

/** Indices of rows whose window starts inside [from, to). */
export function rowsIn(rows: RowSet, span: [number, number]): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) if (rows.starts[i] >= span[0] && rows.starts[i] < span[1]) out.push(i);
  return out;
}

/** Gathers the feature rows at `idx` into a new contiguous matrix. */
export function gather(rows: RowSet, idx: number[]): Float32Array {
  const F = rows.nFeatures;
  const X = new Float32Array(idx.length * F);
  for (let k = 0; k < idx.length; k++) X.set(rows.X.subarray(idx[k] * F, (idx[k] + 1) * F), k * F);
  return X;
}
