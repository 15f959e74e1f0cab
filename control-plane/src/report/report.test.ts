import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends, type TestDb } from '../../../test/support/pg.ts';
import { seedSampleData } from '../analytics/sample-data.ts';
import { HOSTILE_USER, HOSTILE_USER_MD } from '../analytics/sample-scenario.ts';
import { T0 } from '../testing/harness.ts';
import { barChart, lineChart, niceTicks } from './charts.ts';
import { escapeMarkdown } from './escape.ts';
import { buildReport, checkMeasuredUptime, type ReportModel } from './model.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-md.ts';

const DAY = 86_400_000;
const backends = await dbBackends();

describe.each(backends)('report model ($name)', (backend) => {
  let t: TestDb;
  let m: ReportModel;
  let staleAfterMs: number;

  beforeAll(async () => {
    t = await backend.open();
    ({ staleAfterMs } = await seedSampleData(t.db, { from: T0, to: T0 + DAY, heartbeatEveryMs: 30 * 60_000 }));
    m = await buildReport(t.db, { from: T0, to: T0 + DAY, staleAfterMs, generatedAt: T0 + DAY });
  }, 60_000);
  afterAll(async () => t?.cleanup());

  it('leads with 4-6 headline numbers taken from the KPIs', () => {
    expect(m.headline.length).toBeGreaterThanOrEqual(4);
    expect(m.headline.length).toBeLessThanOrEqual(6);
    expect(m.headline[0]).toMatchObject({ label: 'Incidents', value: String(m.kpis.incidents.total) });
  });

  it('estimates downtime avoided as Σ max(0, human response − time to fix) and states the assumption', async () => {
    const e = m.uptimeImprovement.estimate;
    expect(e.fixes).toBeGreaterThan(0);
    expect(e.humanResponseMs).toBe(30 * 60_000);
    expect(e.assumption).toMatch(/30 min/);
    // every sample fix takes about 5-6 minutes from first evidence, so each avoids 24-25 of the 30 assumed minutes
    expect(e.avoidedMs / e.fixes).toBeGreaterThan(23 * 60_000);
    expect(e.avoidedMs / e.fixes).toBeLessThan(25.5 * 60_000);
    expect(e.byType.reduce((s, x) => s + x.fixes, 0)).toBe(e.fixes);
    // a human who answers faster than any fix means nothing was avoided, never a negative figure
    const fast = await buildReport(t.db, { from: T0, to: T0 + DAY, humanResponseMs: 60_000, generatedAt: 0 });
    expect(fast.uptimeImprovement.estimate).toMatchObject({ fixes: e.fixes, avoidedMs: 0 });
  });

  it('shows a measured off-vs-auto section when given one', async () => {
    const measured = checkMeasuredUptime(
      {
        off: { downtimeMs: 3_600_000, outages: 3 },
        auto: { downtimeMs: 600_000, outages: 3 },
        method: 'HTTP probe every 5 s during the replay',
      },
      'measured',
    );
    const mm = await buildReport(t.db, { from: T0, to: T0 + DAY, measured, generatedAt: 0 });
    expect(mm.uptimeImprovement.measured).toMatchObject({ avoidedMs: 3_000_000, reduction: 3_000_000 / 3_600_000 });
    const html = renderHtml(mm);
    expect(html).toContain('HTTP probe every 5 s during the replay');
    expect(html).toContain('50 min'); // the measured avoided downtime
    expect(mm.headline.find((h) => h.label === 'Downtime avoided')?.detail).toMatch(/^measured/);
    expect(() => checkMeasuredUptime({ off: { downtimeMs: -1 }, auto: { downtimeMs: 0 }, method: 'x' }, 'm')).toThrow(
      /off\.downtimeMs/,
    );
  });

  it('renders HTML with SVG charts, every section and the appendix, and escapes store text', () => {
    const html = renderHtml(m);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    for (const title of ['Executive summary', 'Failures and incidents', 'Detection and response', 'Uptime', 'Appendix'])
      expect(html).toContain(title);
    expect(m.kpis.top.users.map((u) => u.key)).toContain(HOSTILE_USER);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script/i);
  });

  it('renders Markdown whose tables and links cannot be broken by store text', () => {
    const md = renderMarkdown(m, { chartPaths: { 'anomaly-trend': 'r.anomaly-trend.svg' } });
    expect(md).toContain('![Anomalies over time, by type](r.anomaly-trend.svg)');
    expect(md).not.toContain(HOSTILE_USER);
    expect(md).not.toContain(HOSTILE_USER_MD);
    expect(md).toContain(escapeMarkdown(HOSTILE_USER_MD));
    // every table row keeps its column count: no unescaped | from a username
    const userRows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('alert'));
    for (const row of userRows) expect(row.split(/(?<!\\)\|/).length).toBe(4);
  });
});

describe('charts and escaping', () => {
  it('picks round ticks that cover the maximum', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(230)).toEqual([0, 50, 100, 150, 200, 250]);
  });

  it('draws one polyline per series and escapes labels', () => {
    const svg = lineChart({
      title: 'T <b>',
      xLabel: 'x',
      yLabel: 'y',
      x: [0, 3_600_000, 7_200_000],
      bucketMs: 3_600_000,
      series: [
        { name: '"><script>', values: [1, 5, 2] },
        { name: 'b', values: [0, 0, 9] },
      ],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&quot;&gt;&lt;script&gt;');
    const bars = barChart({ title: 't', xLabel: 'n', items: [{ label: 'a&b', value: 3, extra: 1 }] });
    expect(bars.match(/<rect/g)?.length).toBe(3); // background, value, extra
    expect(bars).toContain('a&amp;b');
  });

  it('escapes Markdown syntax, raw HTML and line breaks', () => {
    expect(escapeMarkdown('a|b*c*[d](e)\n# h <x>')).toBe('a\\|b\\*c\\*\\[d\\]\\(e\\) \\# h &lt;x&gt;');
  });
});
