import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { fmtNum, fmtTime } from '../format.ts';

/** Okabe–Ito colours (distinguishable with common colour-vision deficiencies), then two greys. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#999999',
];

export interface Series {
  name: string;
  counts: number[];
  total: number;
}

interface Props {
  label: string;
  buckets: number[];
  series: Series[];
  height?: number;
}

/** Cumulative sums so each area sits on the ones below it; drawn from the top down so fills do not hide data. */
function stack(series: Series[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < series.length; i++) out.push(series[i].counts.map((v, j) => v + (i > 0 ? out[i - 1][j] : 0)));
  return out;
}

/** Stacked area chart of counts over time (uPlot). The data is also offered as a table for screen readers. */
export function StackedChart({ label, buckets, series, height = 220 }: Props) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = el.current;
    if (!host || series.length === 0) return;
    const stacked = stack(series);
    const order = series.map((_, i) => series.length - 1 - i); // top (largest cumulative) first
    const opts: uPlot.Options = {
      width: Math.max(320, host.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      // axis labels in UTC like every other time in the console, whatever the browser's zone
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [
        { stroke: '#333', grid: { stroke: '#e6e6e6' } },
        { stroke: '#333', grid: { stroke: '#e6e6e6' }, values: (_u, ticks) => ticks.map((t) => fmtNum(t)) },
      ],
      series: [
        { label: 'time (UTC)', value: (_u, v) => (v === null ? '—' : fmtTime(v * 1000)) },
        ...order.map((i) => ({
          label: series[i].name,
          stroke: PALETTE[i % PALETTE.length],
          fill: `${PALETTE[i % PALETTE.length]}cc`,
          width: 1,
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) =>
            idx === null ? '—' : fmtNum(series[i].counts[idx]),
        })),
      ],
    };
    const data = [buckets.map((b) => b / 1000), ...order.map((i) => stacked[i])] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, host);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, host.clientWidth), height }));
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [buckets, series, height]);
  return (
    <figure class="chart">
      <div ref={el} role="img" aria-label={label} />
      <details>
        <summary>Totals as a table</summary>
        <table>
          <caption class="sr-only">{label}: totals per series</caption>
          <thead>
            <tr>
              <th scope="col">series</th>
              <th scope="col" class="num">
                anomalies
              </th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={s.name}>
                <td>{s.name}</td>
                <td class="num">{fmtNum(s.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
