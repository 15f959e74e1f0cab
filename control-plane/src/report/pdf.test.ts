import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../analytics/sample-data.ts';
import { applyMigrations } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { T0 } from '../testing/harness.ts';
import { buildReport } from './model.ts';
import { CHROMIUM_PATH, printPdf } from './pdf.ts';
import { renderHtml } from './render-html.ts';

const PDFTOPPM = '/usr/bin/pdftoppm';
const missing = [CHROMIUM_PATH, PDFTOPPM].filter((p) => !existsSync(p));
if (missing.length) console.warn(`skipping PDF test: ${missing.join(', ')} not installed`);

/** Binary PPM (P6): header "P6 w h 255" then w·h RGB triples. Returns the share of pixels that are not near-white. */
export function inkFraction(ppm: Buffer): number {
  const header = ppm.subarray(0, 64).toString('latin1');
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
  if (!m) throw new Error('not a binary PPM');
  const [w, h] = [Number(m[1]), Number(m[2])];
  const pixels = ppm.subarray(m[0].length);
  expect(pixels.length).toBe(w * h * 3);
  let ink = 0;
  for (let i = 0; i < pixels.length; i += 3) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 3 * 235) ink++;
  return ink / (w * h);
}

describe.skipIf(missing.length > 0)('PDF report', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the sample report to PDF pages that all carry content', async () => {
    const db = await openPglite();
    await applyMigrations(db);
    const { staleAfterMs } = await seedSampleData(db, { from: T0, to: T0 + 86_400_000, heartbeatEveryMs: 30 * 60_000 });
    const model = await buildReport(db, { from: T0, to: T0 + 86_400_000, staleAfterMs, generatedAt: T0 });
    await db.close();
    const pdf = await printPdf(renderHtml(model));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(dir, 'r.pdf');
    writeFileSync(file, pdf);
    execFileSync(PDFTOPPM, ['-r', '50', file, path.join(dir, 'p')]);
    const pages = readdirSync(dir)
      .filter((f) => /^p-\d+\.ppm$/.test(f))
      .sort();
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const ink = pages.map((p) => inkFraction(readFileSync(path.join(dir, p))));
    // a blank page is ~0 (only the footer line); text pages are a few percent, chart pages more
    for (const f of ink) expect(f).toBeGreaterThan(0.01);
    // the first page holds the summary tiles and the trend chart: clearly more than a line of text
    expect(ink[0]).toBeGreaterThan(0.04);

    // negative control: the same measure on an empty document's page stays under the bar
    const blank = path.join(dir, 'blank.pdf');
    writeFileSync(blank, await printPdf('<!doctype html><html><body></body></html>'));
    execFileSync(PDFTOPPM, ['-r', '50', '-f', '1', '-l', '1', '-singlefile', blank, path.join(dir, 'blank')]);
    expect(inkFraction(readFileSync(path.join(dir, 'blank.ppm')))).toBeLessThan(0.005);
  }, 60_000);
});
