/**
 * Cost of the account-spike job per series (forecast/README.md). Seeds `accounts` accounts × 4 sources × 5 weeks of
 * hourly counts in the database, then times (1) a catch-up run (168 hours judged per series, 7 fits each) and (2) a
 * steady-state run one hour later (1 hour judged, 1 fit per series), which is what the job costs every hour.
 *
 *   npx tsx control-plane/src/forecast/spikes.bench.ts [accounts=25]
 */
import { dbBackends } from '../../../test/support/pg.ts';
import { FleetCorrelator } from '../detect/correlator.ts';
import { AccountSpikeDetector } from './account-spikes.ts';
import { addCounts, type CountRow } from './counts.ts';
import { accountSpikeOptions } from './options.ts';

const H = 3_600_000;
const accounts = Number(process.argv[2] ?? 25);
const end = Date.UTC(2025, 2, 4, 14);
const [backend] = await dbBackends();
const t = await backend.open();
const rows: CountRow[] = [];
for (let a = 0; a < accounts; a++) {
  const account = String(100000000000 + a);
  for (let b = end - 35 * 24 * H; b <= end + H; b += H) {
    for (const [source, base] of [
      ['cloudtrail', 120],
      ['vpc', 200],
      ['lambda', 30],
      ['s3', 60],
    ] as const) {
      const hour = new Date(b).getUTCHours();
      rows.push({
        account,
        source,
        bucketStart: b,
        count: Math.round(base * (0.5 + 0.5 * Math.sin(hour / 4))) + (a % 7),
      });
    }
  }
}
for (let i = 0; i < rows.length; i += 20_000) await addCounts(t.db, rows.slice(i, i + 20_000));
const d = await AccountSpikeDetector.create(t.db, accountSpikeOptions(), {
  correlator: new FleetCorrelator(t.db),
  onIncidents: () => {},
  log: () => {},
});
const now = end + H + 25 * 60_000;
for (const [label, at] of [
  ['catch-up (168 h/series)', now],
  ['steady state (1 h/series)', now + H],
] as const) {
  const t0 = performance.now();
  const s = await d.run(at);
  const ms = performance.now() - t0;
  console.log(
    `${label}: ${s.series} series, ${s.bucketsJudged} hours judged, ${s.fits} fits in ${ms.toFixed(0)} ms wall = ` +
      `${(ms / s.series).toFixed(2)} ms/series; fit ${(s.fitMs / s.fits).toFixed(3)} ms + predict ` +
      `${(s.predictMs / s.fits).toFixed(3)} ms per fit; db+build ${((ms - s.fitMs - s.predictMs) / s.series).toFixed(2)} ms/series`,
  );
}
await t.cleanup();
