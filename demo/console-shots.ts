import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../control-plane/src/report/pdf.ts';

/**
 * Screenshots of the running fleet's console in headless Chromium, as an operator sees it: log in with the
 * operator token, the fleet page, the incident list, and the first incident. Returns the files written.
 */
export async function consoleScreenshots(url: string, token: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const browser = await launchChromium();
  const files: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    const shot = async (name: string) => {
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      files.push(file);
    };
    await page.goto(`${url}/console/`);
    await page.getByLabel('Operator token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    const fleet = page.getByRole('table', { name: 'Hosts in the fleet' });
    await fleet.getByRole('row').nth(1).waitFor({ timeout: 15_000 });
    await shot('fleet');
    await page.getByRole('link', { name: 'Incidents' }).click();
    const incidents = page.getByRole('table', { name: /Incidents, most recent/ });
    const first = incidents.getByRole('link').first();
    await first.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500); // let the timeline chart draw
    await shot('incidents');
    await first.click();
    await page.getByRole('table', { name: 'Models that fired' }).waitFor({ timeout: 15_000 });
    await shot('incident');
  } finally {
    await browser.close();
  }
  return files;
}
