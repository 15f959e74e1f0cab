/**
 * Self-contained SVG charts (no script, no external fonts) that print the same in a browser and in Chromium's PDF.
 * Every label is escaped: series and category names can come from logs.
 */
import { escapeHtml as esc } from './escape.ts';
import { timeTick } from './format.ts';

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies and in greyscale print. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8C6D31', '#555555'];
const W = 720;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/** Round axis ticks from 0 to at least `max`: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

const text = (x: number, y: number, s: string, extra = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} font-size="11" fill="#333" ${extra}>${esc(s)}</text>`;

function frame(height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${esc(title)}">
<rect width="${W}" height="${height}" fill="#fff"/>
${text(0, 16, title, 'font-size="14" font-weight="bold" fill="#111"')}
${body}</svg>`;
}

export interface LineSeries {
  name: string;
  values: number[];
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Bucket start times (epoch ms), one per value. */
  x: number[];
  bucketMs: number;
  series: LineSeries[];
}

export function lineChart(c: LineChartSpec): string {
  const H = 300;
  const m = { l: 56, r: 12, t: 52, b: 52 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const ticks = niceTicks(Math.max(0, ...c.series.flatMap((s) => s.values)));
  const top = ticks[ticks.length - 1];
  const n = Math.max(1, c.x.length - 1);
  const px = (i: number) => m.l + (pw * i) / n;
  const py = (v: number) => m.t + ph - (ph * v) / top;
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e4e4e4"/>`,
    );
    parts.push(text(m.l - 6, py(t) + 4, String(t), 'text-anchor="end"'));
  }
  const every = Math.max(1, Math.ceil(c.x.length / 7));
  c.x.forEach((ms, i) => {
    if (i % every === 0) parts.push(text(px(i), H - m.b + 16, timeTick(ms, c.bucketMs), 'text-anchor="middle"'));
  });
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#888"/>`);
  parts.push(text(m.l + pw / 2, H - 8, c.xLabel, 'text-anchor="middle"'));
  parts.push(text(14, m.t + ph / 2, c.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${m.t + ph / 2})"`));
  c.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const pts = s.values.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    const lx = m.l + (k % 4) * 170;
    const ly = 32 + Math.floor(k / 4) * 14;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${color}"/>`);
    parts.push(text(lx + 14, ly + 1, s.name.slice(0, 24)));
  });
  return frame(H, c.title, parts.join('\n'));
}

export interface BarItem {
  label: string;
  value: number;
  /** Optional second segment stacked after the first (for example false positives after confirmed). */
  extra?: number;
}

export interface BarChartSpec {
  title: string;
  xLabel: string;
  items: BarItem[];
  legend?: [string, string];
}

/** Horizontal bars, one row per category, so long category names stay readable. */
export function barChart(c: BarChartSpec): string {
  const row = 22;
  const m = { l: 170, r: 48, t: c.legend ? 44 : 30, b: 40 };
  const H = m.t + m.b + Math.max(1, c.items.length) * row;
  const pw = W - m.l - m.r;
  const ticks = niceTicks(Math.max(0, ...c.items.map((i) => i.value + (i.extra ?? 0))));
  const top = ticks[ticks.length - 1];
  const px = (v: number) => (pw * v) / top;
  const parts: string[] = [];
  for (const t of ticks) {
    const x = m.l + px(t);
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#e4e4e4"/>`);
    parts.push(text(x, H - m.b + 14, String(t), 'text-anchor="middle"'));
  }
  c.items.forEach((it, i) => {
    const y = m.t + i * row + 4;
    parts.push(
      text(m.l - 8, y + 12, it.label.length > 28 ? `${it.label.slice(0, 27)}…` : it.label, 'text-anchor="end"'),
    );
    parts.push(
      `<rect x="${m.l}" y="${y}" width="${px(it.value).toFixed(1)}" height="${row - 8}" fill="${PALETTE[0]}"/>`,
    );
    if (it.extra) {
      const x = m.l + px(it.value);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${px(it.extra).toFixed(1)}" height="${row - 8}" fill="${PALETTE[3]}"/>`,
      );
    }
    parts.push(text(m.l + px(it.value + (it.extra ?? 0)) + 4, y + 12, String(it.value + (it.extra ?? 0))));
  });
  if (c.legend) {
    c.legend.forEach((name, k) => {
      const lx = m.l + k * 170;
      parts.push(`<rect x="${lx}" y="${24}" width="10" height="10" fill="${PALETTE[k === 0 ? 0 : 3]}"/>`);
      parts.push(text(lx + 14, 33, name));
    });
  }
  parts.push(text(m.l + pw / 2, H - 8, c.xLabel, 'text-anchor="middle"'));
  return frame(H, c.title, parts.join('\n'));
}
