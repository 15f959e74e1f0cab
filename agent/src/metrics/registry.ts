/*
 * A small Prometheus registry (text exposition format 0.0.4). Label values come from logs and hosts, so they are
 * escaped as the format requires; metric and label names are fixed in code.
 */

type Labels = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelKey(names: readonly string[], labels: Labels | undefined): string {
  if (names.length === 0) return '';
  return names.map((n) => `${n}="${escapeLabel(String(labels?.[n] ?? ''))}"`).join(',');
}

const fmt = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');

interface Metric {
  render(out: string[]): void;
}

/** Series per label set are capped: a label fed from hostile data must not grow memory without bound. */
const MAX_SERIES = 1000;

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[] = [],
  ) {}

  inc(labels?: Labels, n = 1): void {
    const k = labelKey(this.labelNames, labels);
    if (!this.values.has(k) && this.values.size >= MAX_SERIES) return;
    this.values.set(k, (this.values.get(k) ?? 0) + n);
  }

  get(labels?: Labels): number {
    return this.values.get(labelKey(this.labelNames, labels)) ?? 0;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    if (this.values.size === 0 && this.labelNames.length === 0) out.push(`${this.name} 0`);
    for (const [k, v] of this.values) out.push(`${this.name}${k ? `{${k}}` : ''} ${fmt(v)}`);
  }
}

/** A gauge read at scrape time from a callback (queue depth, lag, spool size). */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly collect: () => number | [Labels, number][],
    private readonly labelNames: readonly string[] = [],
  ) {}

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`);
    let v: number | [Labels, number][];
    try {
      v = this.collect();
    } catch {
      return;
    }
    if (typeof v === 'number') out.push(`${this.name} ${fmt(v)}`);
    else
      for (const [labels, n] of v.slice(0, MAX_SERIES))
        out.push(`${this.name}{${labelKey(this.labelNames, labels)}} ${fmt(n)}`);
  }
}

export class Histogram implements Metric {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(v: number): void {
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]) this.counts[i]++;
    this.sum += v;
    this.count++;
  }

  /** Upper bound of the bucket holding quantile q (for status; the scrape has the full histogram). */
  quantile(q: number): number {
    const target = q * this.count;
    for (let i = 0; i < this.bounds.length; i++) if (this.counts[i] >= target) return this.bounds[i];
    return Number.POSITIVE_INFINITY;
  }

  get observations(): number {
    return this.count;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [i, b] of this.bounds.entries()) out.push(`${this.name}_bucket{le="${fmt(b)}"} ${this.counts[i]}`);
    out.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    );
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }
  gauge(
    name: string,
    help: string,
    collect: () => number | [Labels, number][],
    labelNames: readonly string[] = [],
  ): Gauge {
    return this.add(new Gauge(name, help, collect, labelNames));
  }
  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, bounds));
  }

  private add<T extends Metric>(m: T): T {
    this.metrics.push(m);
    return m;
  }

  render(): string {
    const out: string[] = [];
    for (const m of this.metrics) m.render(out);
    return `${out.join('\n')}\n`;
  }
}
