/**
 * Console first-render benchmark: seeds 10,000 hosts and 1,000,000 anomalies (30 days), 20,000 incidents, then
 * measures the API calls each console page makes on first render (with the buckets the incidents page asks for),
 * and a real Chromium first render: navigation → first table row painted (fleet by hostname, fleet by anomalies,
 * incident list) and → incidents chart drawn.
 *
 *   npx tsx control-plane/src/bench/console-bench.ts [--hosts 10000] [--anomalies 1000000] [--runs 20]
 *       [--browser-runs 10] [--only pglite|postgres]
 *   TEST_DATABASE_URL=postgres://... npx tsx control-plane/src/bench/console-bench.ts   # also on PostgreSQL
 *
 * Seeding is SQL (generate_series) so it takes seconds, not the hours a million HTTP items would.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { ANOMALY_TYPES, LOG_SOURCES } from '../../../models/src/schema/index.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { buildConsole } from '../../console/build.ts';
import { buildApp } from '../app.ts';
import { testConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { consolePlugin } from '../console/plugin.ts';
import type { Db } from '../db/db.ts';
import { incidentsPlugin } from '../detect/incidents-plugin.ts';
import { createOperatorToken } from '../store/operators.ts';

const DAY = 86_400_000;

async function seed(db: Db, hosts: number, anomalies: number, now: number): Promise<void> {
  await db.query(
    `INSERT INTO agents (id, instance_id, hostname, instance_type, region, az, agent_version, model_version, status,
       enrolled_at, last_heartbeat_at)
     SELECT 'agt_' || lpad(to_hex(g), 24, '0'), 'i-' || lpad(to_hex(g), 17, '0'), 'host-' || lpad(g::text, 5, '0'),
       (ARRAY['t3.micro','t3.small','m5.large','c6g.xlarge'])[1 + g % 4],
       (ARRAY['us-east-1','us-west-2','eu-west-1'])[1 + g % 3], 'x', '0.1.' || (g % 3), '1.0.' || (g % 2),
       CASE WHEN g % 50 = 0 THEN 'stale' ELSE 'active' END, $1::bigint - 90::bigint * 86400000,
       CASE WHEN g % 50 = 0 THEN $1::bigint - 3600000 ELSE $1::bigint - (g % 30)::bigint * 1000 END
     FROM generate_series(1, $2::int) g`,
    [now, hosts],
  );
  const chunk = 100_000;
  for (let off = 0; off < anomalies; off += chunk) {
    await db.query(
      `INSERT INTO anomalies (agent_id, anomaly_id, origin, type, entity_kind, entity_id, source, ts, window_end, score,
         threshold, model, severity, evidence, host, detected_at, received_at)
       SELECT 'agt_' || lpad(to_hex(1 + g % $4::int), 24, '0'), 'a' || g, 'agt_' || lpad(to_hex(1 + g % $4::int), 24, '0'),
         ($5::text[])[1 + g % array_length($5::text[], 1)], 'host', 'host-' || lpad((1 + g % $4::int)::text, 5, '0'),
         ($6::text[])[1 + g % array_length($6::text[], 1)], t, t + 300000, 0.9, 0.18, 'xgboost',
         (ARRAY['low','medium','high','critical'])[1 + g % 4],
         '{"topFeatures":[{"name":"ssh_fail","value":12,"contribution":0.4}],"lines":["sshd: Failed password"]}'::jsonb,
         'host-' || lpad((1 + g % $4::int)::text, 5, '0'), t + 301000, t + 302000
       FROM (SELECT g, $1::bigint - (hashint4(g)::bigint & 2147483647) % (30::bigint * 86400000) AS t
             FROM generate_series($2::int, $3::int) g) s`,
      [now, off + 1, Math.min(off + chunk, anomalies), hosts, ANOMALY_TYPES, LOG_SOURCES],
    );
    process.stderr.write(`\r  seeded ${Math.min(off + chunk, anomalies).toLocaleString()} anomalies`);
  }
  process.stderr.write('\n');
  await db.query(
    `INSERT INTO incidents (id, title, status, severity, opened_at, updated_at, kind, first_seen_at, last_seen_at, anomaly_count)
     SELECT 'inc_' || lpad(to_hex(g), 24, '0'), 'ssh_brute_force on ip 203.0.113.' || (g % 250),
       (ARRAY['open','acknowledged','resolved','false_positive'])[1 + g % 4], (ARRAY['low','medium','high','critical'])[1 + g % 4],
       $1::bigint - g::bigint * 120000, $1::bigint - g::bigint * 120000, 'model', $1::bigint - g::bigint * 120000 - 600000, $1::bigint - g::bigint * 120000, 3
     FROM generate_series(1, 20000) g`,
    [now],
  );
  await db.exec('ANALYZE');
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '10000' },
      anomalies: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '20' },
      'browser-runs': { type: 'string', default: '10' },
      only: { type: 'string' },
    },
  });
  const hosts = Number(values.hosts);
  const total = Number(values.anomalies);
  const runs = Number(values.runs);
  const browserRuns = Number(values['browser-runs']);
  await buildConsole();
  for (const backend of (await dbBackends()).filter((b) => !values.only || b.name === values.only)) {
    const t = await backend.open();
    const now = Date.now();
    const t0 = performance.now();
    await seed(t.db, hosts, total, now);
    process.stderr.write(`${backend.name}: seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'vigil-console-bench-'));
    // The bench reloads pages far faster than a person does: the default per-IP limit for unauthenticated calls
    // (60/min, which covers the console page and its assets) would start answering 429 after a few dozen loads.
    const rateLimit = { anonymousPerMinute: 1_000_000, operatorPerMinute: 1_000_000 } as Config['rateLimit'];
    const app = await buildApp(testConfig({ logLevel: 'silent', dataDir, rateLimit }), {
      db: t.db,
      closeDb: false,
      startJobs: false,
      plugins: [incidentsPlugin(), consolePlugin({ build: 'never' })],
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const { token } = await createOperatorToken(t.db, { name: 'bench', role: 'viewer', createdBy: 'bench', now });
    const hour = 3_600_000;
    // as the incidents page asks: `to` rounded up to the bucket, 1 h buckets for 24 h, 3 h for 7 d, 12 h for 30 d
    const timeline = (span: number, bucket: number) => {
      const to = Math.ceil(now / bucket) * bucket;
      return `/v1/console/timeline?from=${to - span}&to=${to}&bucket=${bucket}&by=type`;
    };
    const calls: [string, string][] = [
      ['fleet page (by hostname)', '/v1/console/fleet?limit=100'],
      ['fleet page (by anomalies 24 h)', '/v1/console/fleet?limit=100&sort=anomalies'],
      ['fleet page (search "host-09")', '/v1/console/fleet?limit=100&q=host-09'],
      ['fleet summary', '/v1/console/fleet/summary'],
      ['incident list', '/v1/console/incidents?limit=50'],
      ['timeline 24 h by type', timeline(DAY, hour)],
      ['timeline 7 d by type', timeline(7 * DAY, 3 * hour)],
      ['timeline 30 d by type', timeline(30 * DAY, 12 * hour)],
      // not whole hours, so no rollup: what any other bucket size costs
      ['timeline 24 h by type, 30 min buckets', timeline(DAY, hour / 2)],
    ];
    console.log(
      `\n${backend.name}: ${hosts.toLocaleString()} hosts, ${total.toLocaleString()} anomalies, ${runs} runs each`,
    );
    console.log('| call | p50 ms | p95 ms |\n| --- | ---: | ---: |');
    for (const [name, route] of calls) {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        const res = await fetch(url + route, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${route} -> ${res.status}`);
        ms.push(performance.now() - s);
      }
      console.log(`| ${name} | ${pct(ms, 0.5).toFixed(1)} | ${pct(ms, 0.95).toFixed(1)} |`);
    }
    if (existsSync('/usr/bin/chromium')) await browserRender(url, token, browserRuns);
    else console.log('\n(no /usr/bin/chromium: browser first render not measured)');
    await app.close();
    await t.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const TARGETS = {
  row: 'table tbody tr td a',
  chart: '.chart .uplot',
} as const;

/**
 * Page script (plain JS: this file is type-checked without the DOM library) run in every page before its own:
 * records per target selector when the element first appeared and the frame holding it was painted (that frame's
 * rAF, then a message, which runs after the frame's rendering), as performance.now(): ms since navigation start.
 * Measuring in the page matters: Playwright's waitFor polls with a back-off (0, 20, 50, 100, 100, 500 ms, ...), so
 * reading the clock after it returns adds up to half a second that no user waits.
 */
const recordFirstPaint = (selectors: readonly string[]) => `(() => {
  const painted = (window.__vigilPainted = {});
  const pending = new Set(${JSON.stringify(selectors)});
  const observer = new MutationObserver(() => {
    for (const s of pending) {
      if (!document.querySelector(s)) continue;
      pending.delete(s);
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { painted[s] = performance.now(); };
        ch.port2.postMessage(null);
      });
    }
    if (pending.size === 0) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/**
 * Navigation start → the first data row, or the drawn chart, painted. Each page starts with what a logged-in tab
 * holds in sessionStorage (the token and its /v1/me answer), as on a reload.
 */
async function browserRender(url: string, token: string, runs: number): Promise<void> {
  const me = await (await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).text();
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await ctx.addInitScript(
    ([t, m]) => {
      sessionStorage.setItem('vigil.token', t);
      sessionStorage.setItem('vigil.me', m);
    },
    [token, me] as const,
  );
  await ctx.addInitScript({ content: recordFirstPaint(Object.values(TARGETS)) });
  console.log('\n| Chromium first render (painted) | p50 ms | p95 ms |\n| --- | ---: | ---: |');
  for (const [name, hash, target] of [
    ['fleet: first host row', '#/fleet', 'row'],
    ['fleet by anomalies 24 h: first host row', '#/fleet?sort=anomalies', 'row'],
    ['incidents: first incident row', '#/incidents', 'row'],
    ['incidents: chart drawn', '#/incidents', 'chart'],
  ] as const) {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await ctx.newPage();
      await page.goto(`${url}/console/${hash}`);
      // a function, not a string: the console's CSP forbids eval
      const at = await page.waitForFunction(
        (s) => (globalThis as { __vigilPainted?: Record<string, number> }).__vigilPainted?.[s],
        TARGETS[target],
        { timeout: 30_000 },
      );
      ms.push((await at.jsonValue()) as number);
      await page.close();
    }
    console.log(`| ${name} | ${pct(ms, 0.5).toFixed(0)} | ${pct(ms, 0.95).toFixed(0)} |`);
  }
  await browser.close();
}

await main();
