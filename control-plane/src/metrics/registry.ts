/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with labels. Enough
 * for the control plane without a dependency; label sets are kept per metric, so callers must use bounded label
 * values (route templates, status codes, table names), never request data.
 */
type Labels = Record<string, string | number>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

abstract class Metric {
  protected readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name '${name}'`);
    for (const l of labelNames) if (!LABEL.test(l) || l === 'le') throw new Error(`invalid label name '${l}'`);
  }
  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  protected key(labels: Labels): string {
    return this.labelNames.map((n) => String(labels[n] ?? '')).join('\u0000');
  }

  protected cell(labels: Labels) {
    const k = this.key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels: Object.fromEntries(this.labelNames.map((n) => [n, String(labels[n] ?? '')])), value: 0 };
      this.series.set(k, s);
    }
    return s;
  }

  protected static labelText(labels: Labels, extra?: [string, string]): string {
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
    if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
    return parts.length ? `{${parts.join(',')}}` : '';
  }

  header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  render(): string {
    let out = this.header();
    for (const s of this.series.values()) out += `${this.name}${Metric.labelText(s.labels)} ${formatValue(s.value)}\n`;
    return out;
  }
}

export class Counter extends Metric {
  readonly type = 'counter';
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name} can only increase (got ${by})`);
    this.cell(labels).value += by;
  }
  get(labels: Labels = {}): number {
    return this.series.get(this.key(labels))?.value ?? 0;
  }
}

export class Gauge extends Metric {
  readonly type = 'gauge';
  /** Runs before each scrape, to read values kept elsewhere (DB counts, pool sizes). */
  collect?: () => Promise<void> | void;
  set(labels: Labels, value: number): void {
    this.cell(labels).value = value;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.cell(labels).value += by;
  }
  dec(labels: Labels = {}, by = 1): void {
    this.cell(labels).value -= by;
  }
  get(labels: Labels = {}): number {
    return this.series.get(this.key(labels))?.value ?? 0;
  }
  /** Drops every series, so a collect() that re-reads the world does not keep label sets that disappeared. */
  reset(): void {
    this.series.clear();
  }
}

interface HistogramCell {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly cells = new Map<string, HistogramCell>();
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
    if (buckets.length === 0 || buckets.some((b, i) => i > 0 && b <= buckets[i - 1])) {
      throw new Error(`histogram ${name}: buckets must be non-empty and strictly increasing`);
    }
  }
  observe(labels: Labels, value: number): void {
    const k = this.key(labels);
    let c = this.cells.get(k);
    if (!c) {
      const l = Object.fromEntries(this.labelNames.map((n) => [n, String(labels[n] ?? '')]));
      c = { labels: l, counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.cells.set(k, c);
    }
    // Per-bucket counts here; cumulative sums are formed at render time.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) c.counts[i]++;
    c.sum += value;
    c.count++;
  }
  count(labels: Labels = {}): number {
    return this.cells.get(this.key(labels))?.count ?? 0;
  }
  override render(): string {
    let out = this.header();
    for (const c of this.cells.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += c.counts[i];
        out += `${this.name}_bucket${Metric.labelText(c.labels, ['le', formatValue(b)])} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${Metric.labelText(c.labels, ['le', '+Inf'])} ${c.count}\n`;
      out += `${this.name}_sum${Metric.labelText(c.labels)} ${formatValue(c.sum)}\n`;
      out += `${this.name}_count${Metric.labelText(c.labels)} ${c.count}\n`;
    }
    return out;
  }
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class Registry {
  private readonly metrics = new Map<string, Metric>();

  private add<M extends Metric>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.set(m.name, m);
    return m;
  }
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }
  gauge(name: string, help: string, labelNames: readonly string[] = [], collect?: Gauge['collect']): Gauge {
    const g = this.add(new Gauge(name, help, labelNames));
    g.collect = collect;
    return g;
  }
  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }
  get(name: string): Metric | undefined {
    return this.metrics.get(name);
  }
  /** Text exposition; gauges with a collector are refreshed first (a failing collector keeps the last values). */
  async render(): Promise<string> {
    const gauges = [...this.metrics.values()].filter((m): m is Gauge => m instanceof Gauge && !!m.collect);
    await Promise.allSettled(gauges.map(async (g) => g.collect!()));
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }
}
