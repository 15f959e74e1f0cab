import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../models/src/util/cli.ts';
import { parseTime, run } from './cli.ts';

describe('vigil report CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-report-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the flag at fault', async () => {
    await expect(run(['--from', 'yesterday'])).rejects.toThrow(/--from must be ISO 8601/);
    await expect(run(['--format', 'docx'])).rejects.toThrow(/--format must be one of html, pdf, md/);
    await expect(run(['--format', 'pdf'])).rejects.toThrow(/--format pdf needs --out/);
    await expect(run(['--from', '2025-03-02', '--to', '2025-03-01'])).rejects.toThrow(/--from must be before --to/);
    await expect(run(['--outage-types', 'disk_fill,nope', '--json'])).rejects.toThrow(/unknown anomaly type 'nope'/);
    await expect(run(['--human-response-minutes', 'soon'])).rejects.toBeInstanceOf(UsageError);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ off: { downtimeMs: 1 }, auto: {}, method: 'probe' }));
    await expect(run(['--measured', bad, '--json'])).rejects.toThrow(/auto\.downtimeMs|auto/);
  });

  it('parses ISO dates and epoch ms', () => {
    expect(parseTime('from', '2025-03-01')).toBe(Date.UTC(2025, 2, 1));
    expect(parseTime('to', '1740787200000')).toBe(1740787200000);
  });

  it('writes the report model as JSON and Markdown with SVG charts for a sample fleet', async () => {
    const window = ['--sample', '--from', '2025-03-01T00:00Z', '--to', '2025-03-01T08:00Z'];
    const json = path.join(dir, 'r.json');
    expect(await run([...window, '--json', '--out', json, '--human-response-minutes', '45'])).toBe(0);
    const model = JSON.parse(readFileSync(json, 'utf8'));
    expect(model.window.from).toBe(Date.UTC(2025, 2, 1));
    expect(model.uptimeImprovement.estimate.humanResponseMs).toBe(45 * 60_000);
    expect(model.kpis.anomalies.total).toBeGreaterThan(0);

    const md = path.join(dir, 'r.md');
    expect(await run([...window, '--out', md])).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('](r.anomaly-trend.svg)');
    expect(readFileSync(path.join(dir, 'r.anomaly-trend.svg'), 'utf8')).toMatch(/^<svg /);
    expect(existsSync(path.join(dir, 'r.incidents-by-type.svg'))).toBe(true);
  }, 60_000);
});
