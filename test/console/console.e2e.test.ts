/**
 * The fleet console in a real browser (Debian chromium through playwright-core) against a seeded control plane:
 * log in, see the fleet, open an incident, approve an action and see the agent's outcome arrive live, mark a false
 * positive, and check that a viewer can neither see nor use the approve control. Screenshots of every page go to
 * test-results/console/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../control-plane/console/build.ts';
import { CHROMIUM_PATH, launchChromium } from '../../control-plane/src/report/pdf.ts';
import { type Seeded, startSeeded } from './seed.ts';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/console');
const haveChromium = existsSync(CHROMIUM_PATH);

/** playwright-core has no web-first assertions: wait until the locator shows the text (or time out). */
const showing = (loc: Locator, text: string | RegExp, timeout = 10_000) =>
  loc.filter({ hasText: text }).first().waitFor({ timeout });

const setHash = (p: Page, hash: string) =>
  p.evaluate(
    (h) => Object.assign((globalThis as unknown as { location: { hash: string } }).location, { hash: h }),
    hash,
  );

async function countIs(loc: Locator, n: number, timeout = 10_000): Promise<void> {
  const until = Date.now() + timeout;
  while ((await loc.count()) !== n) {
    if (Date.now() > until) throw new Error(`expected ${n} elements, have ${await loc.count()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
if (!haveChromium) console.warn(`${CHROMIUM_PATH} is missing: console e2e tests skipped (apt-get install chromium)`);

describe.skipIf(!haveChromium)('fleet console in chromium', () => {
  let s: Seeded;
  let browser: Browser;
  beforeAll(async () => {
    await buildConsole();
    await mkdir(SHOTS, { recursive: true });
    [s, browser] = await Promise.all([startSeeded(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function loggedIn(token: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(`${s.url}/console/`);
    await page.getByLabel('Operator token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('operator: login, fleet, incident, approve with live outcome, false positive', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${s.url}/console/`);
    await page.getByLabel('Operator token').waitFor();
    await shot(page, '01-login');
    await page.getByLabel('Operator token').fill(`vgl_op_${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await showing(page.getByRole('alert'), /does not know this token/);
    await page.close();

    const op = await loggedIn(s.tokens.operator);
    const fleet = op.getByRole('table', { name: 'Hosts in the fleet' });
    await fleet.getByRole('row').nth(3).waitFor();
    expect(await fleet.getByRole('row').count()).toBe(4); // header + 3 hosts
    await showing(fleet.getByRole('row', { name: /web-1/ }), 'live');
    await showing(fleet.getByRole('row', { name: /db-1/ }), 'never');
    await op.getByLabel('Search hosts').fill('web-2');
    await countIs(fleet.getByRole('row'), 2);
    await op.getByLabel('Search hosts').fill('');
    await countIs(fleet.getByRole('row'), 4);
    await shot(op, '02-fleet');

    await op.getByRole('link', { name: 'Incidents' }).click();
    const incidents = op.getByRole('table', { name: /Incidents, most recent/ });
    const link = incidents.getByRole('link', { name: /attacking 3 hosts/ });
    await link.waitFor();
    await op.locator('.chart .uplot').waitFor();
    await shot(op, '03-incidents');
    await link.click();
    await op.getByRole('heading', { name: /attacking 3 hosts/ }).waitFor();
    // log content is text: the <script> in the evidence line must be shown, not run or parsed
    await showing(op.locator('.evidence'), '<script>alert(1)</script>');
    expect(await op.locator('.evidence script').count()).toBe(0);
    await showing(op.getByRole('table', { name: 'Models that fired' }), 'xgboost');
    await showing(op.getByRole('table', { name: /Actions about/ }), 'block-ip');
    const incidentUrl = op.url();
    await shot(op, '04-incident');

    await op.getByRole('link', { name: 'Actions' }).click();
    const queue = op.getByRole('table', { name: 'Recommended actions' });
    await queue.getByRole('button', { name: 'Approve' }).click();
    await op.getByLabel(/Reason to approve block-ip/).fill('confirmed brute force from a scanner range');
    await op.getByRole('button', { name: 'Approve' }).last().click();
    await op.getByLabel('Show').selectOption('approved');
    const outcome = op.getByTestId(`outcome-${s.recommendationSeq}`);
    await showing(outcome, 'waiting for the agent');
    // A marker on window proves the update below arrives without a reload.
    await op.evaluate(() => Object.assign(globalThis, { __noReload: true }));

    const agent = s.agents['web-1'];
    const auth = { authorization: `Bearer ${agent.credential}` };
    const pendingRes = await fetch(`${s.url}/v1/agents/actions/pending`, { headers: auth });
    const pending = (await pendingRes.json()) as { items: { approvedBy: string }[] };
    expect(pending.items).toHaveLength(1);
    const now = Date.now();
    const report = await fetch(`${s.url}/v1/agents/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        actions: [
          {
            id: 'exec-block-1',
            playbook: 'block-ip',
            mode: 'recommend',
            decision: 'executed',
            result: 'success',
            dryRun: false,
            why: 'approved by e2e-operator',
            anomalyId: 'bf-web-1',
            target: '203.0.113.7',
            exec: { ok: true, detail: 'added to nft set vigil_block' },
            verify: { ok: true, detail: 'element present' },
            recommendationId: s.recommendationId,
            approvedBy: pending.items[0].approvedBy,
            startedAt: now,
            finishedAt: now + 40,
          },
        ],
      }),
    });
    expect(report.status).toBe(200);
    await showing(outcome, 'executed, success');
    await showing(outcome, 'added to nft set vigil_block');
    expect(await op.evaluate(() => (globalThis as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot(op, '05-actions');

    await op.goto(incidentUrl);
    await op.getByRole('button', { name: 'Mark false positive' }).click();
    await op.getByLabel('Note for the label (optional)').fill('pentest from our scanner');
    await op.getByRole('button', { name: 'Mark false positive' }).last().click();
    await showing(op.getByRole('status').filter({ hasText: 'feedback label' }), '3 feedback label(s)');
    await showing(op.locator('.facts'), 'false positive');
    const labels = await s.app.vigil.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM feedback_labels WHERE label = 'false_positive' AND created_by = 'e2e-operator'",
    );
    expect(labels.rows[0].n).toBe(3);

    await op.getByRole('link', { name: 'Models' }).click();
    await op.getByRole('heading', { name: 'Model card 1.1.0' }).waitFor();
    await showing(op.getByRole('table', { name: 'Rollouts, newest first' }), '10 %');
    await shot(op, '06-models');
    await op.getByRole('link', { name: 'KPIs' }).click();
    await op.getByText('Anomalies detected').waitFor();
    await shot(op, '07-kpis');
    await op.close();
  }, 120_000);

  it('viewer: no approve or state controls in the UI, and the API refuses with 403', async () => {
    const v = await loggedIn(s.tokens.viewer);
    await v.getByRole('link', { name: 'Actions' }).click();
    await v.getByText('You have the viewer role').waitFor();
    await v.getByLabel('Show').selectOption('approved');
    await v.getByRole('table', { name: 'Recommended actions' }).getByRole('row').nth(1).waitFor();
    expect(await v.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    await shot(v, '08-viewer-actions');
    const res = await fetch(`${s.url}/v1/actions/${s.recommendationSeq}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.tokens.viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'viewer tries' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    await v.close();
  }, 60_000);

  it('every form control has a label and the sections are reachable by keyboard', async () => {
    const p = await loggedIn(s.tokens.operator);
    for (const hash of ['#/fleet', '#/incidents', '#/actions', '#/models', '#/kpis']) {
      await setHash(p, hash);
      await p.locator('main h1').waitFor();
      await p.waitForTimeout(300); // let the page's first data arrive
      const unlabelled = await p
        .locator('input, select, textarea')
        .evaluateAll((els) =>
          els
            .filter(
              (el) =>
                !(el as unknown as { labels?: { length: number } }).labels?.length && !el.getAttribute('aria-label'),
            )
            .map((el) => el.outerHTML.slice(0, 80)),
        );
      expect(unlabelled, hash).toEqual([]);
    }
    await setHash(p, '#/fleet');
    await p.keyboard.press('Tab'); // skip button
    await p.keyboard.press('Tab'); // first nav link
    await p.keyboard.press('Tab');
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Incidents', exact: true }).waitFor();
    await p.close();
  }, 60_000);
});
