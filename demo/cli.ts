import { existsSync } from 'node:fs';
import path from 'node:path';
import { summaryText } from '../models/src/synth/cli.ts';
import { generateDataset, type Manifest } from '../models/src/synth/index.ts';
import { intFlag, parseCommand, UsageError } from '../models/src/util/cli.ts';
import type { FixMode } from './agent-host.ts';
import { consoleScreenshots } from './console-shots.ts';
import { Fleet, type HostOutcome } from './fleet.ts';
import { REPO } from './procs.ts';
import { measureUptime, writeReport } from './report.ts';
import { summarize, summaryLine } from './summary.ts';

const USAGE = `Usage: npm start [-- options]        (the same as: npx vigil start [options])

The whole of Vigil on this machine: the control plane (PGlite) with the local CloudWatch Logs and S3 endpoints,
N real vigil-agent daemons each in its own sandbox, and a replayer writing each host's logs in accelerated time,
with a brute force, a decoy miner and a disk fill injected. Fixes run for real, on sandbox targets only.

Options:
  --hosts N         agent hosts (default 3, at most 6)
  --speed S         event seconds per wall second (default 60)
  --duration SEC    stop after SEC wall seconds (default: run until Ctrl-C)
  --fixes MODE      auto | recommend | off (default auto)
  --port P          control-plane port on 127.0.0.1 (default 7300)
  --data DIR        dataset (default data/default; generated when absent)
  --work DIR        where sandboxes and logs go (default out/demo)
  --report DIR      after the run, replay the same script with fixes off, then write the stakeholder report
                    (report.html, report.md, report.pdf) with the measured uptime improvement into DIR
                    (needs --duration)
  --screenshots DIR at the end of the run, save console screenshots (fleet, incidents, one incident) into DIR
  --no-canary       do not roll the candidate bundle (models/bundles/candidate-1.1.0) out to the first host
  --no-cloud        do not stream the account's CloudTrail/VPC/S3/Lambda logs
  --json            print the final outcome as JSON
  -h, --help        this help`;

const FIXES = ['auto', 'recommend', 'off'];

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: {
      hosts: { type: 'string' },
      speed: { type: 'string' },
      duration: { type: 'string' },
      fixes: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      work: { type: 'string' },
      json: { type: 'boolean' },
      'no-cloud': { type: 'boolean' },
      'no-canary': { type: 'boolean' },
      report: { type: 'string' },
      screenshots: { type: 'string' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const hosts = intFlag('hosts', v.hosts, 3);
  if (hosts < 1 || hosts > 6) throw new UsageError('--hosts must be 1-6 (the dataset has 6 hosts)');
  const speed = intFlag('speed', v.speed, 60);
  if (speed < 1 || speed > 3600) throw new UsageError('--speed must be 1-3600');
  const fixes = (v.fixes ?? 'auto') as FixMode;
  if (!FIXES.includes(fixes)) throw new UsageError(`--fixes must be one of ${FIXES.join(', ')}`);
  const durationSec = intFlag('duration', v.duration, 0);
  if (v.report && durationSec === 0) throw new UsageError('--report needs --duration (the comparison run replays it)');
  const dataDir = path.resolve(v.data ?? path.join(REPO, 'data/default'));
  await ensureDataset(dataDir);
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const fleet = new Fleet({
    dataDir,
    bundleDir: path.join(REPO, 'models/bundles/default'),
    canaryBundleDir: v['no-canary'] ? undefined : path.join(REPO, 'models/bundles/candidate-1.1.0'),
    workDir: path.resolve(v.work ?? path.join(REPO, 'out/demo')),
    hosts,
    speed,
    durationSec,
    fixes,
    controlPlane: { port: intFlag('port', v.port, 7300) },
    cloud: !v['no-cloud'],
    onProgress: say,
  });
  const abort = new AbortController();
  // Ctrl-C reaches us twice under `npm start` (from the terminal and forwarded by npm): stop once, ignore repeats.
  const onSignal = () => {
    if (abort.signal.aborted) say('(already stopping; the agents and the control plane are shutting down)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await fleet.start();
    printWelcome(fleet);
    const ticker = setInterval(() => void printSummary(fleet), 2000);
    await fleet.run(abort.signal);
    clearInterval(ticker);
    const outcomes = await fleet.outcomes();
    const cp = await controlPlaneView(fleet);
    if (v.screenshots && fleet.cp) {
      const files = await consoleScreenshots(fleet.cp.url, fleet.cp.tokens.operator, path.resolve(v.screenshots));
      say(`\nscreenshots: ${files.join(', ')}`);
    }
    if (v.report) {
      await fleet.stop();
      const measured = await measureUptime(fleet, say);
      const written = await writeReport(fleet, measured, path.resolve(v.report));
      say(`report: ${written.join(', ')}`);
    }
    if (v.json) {
      const hostsOut = outcomes.map(({ status, ...o }) => ({ ...o, actions: status?.actions.recent ?? [] }));
      process.stdout.write(
        `${JSON.stringify({ hosts: hostsOut, cloud: fleet.cloud?.counts, controlPlane: cp }, null, 2)}\n`,
      );
    } else {
      process.stderr.write(`\n${finalText(outcomes, cp)}\n`);
    }
    return 0;
  } finally {
    say('\nstopping: agents, control plane, decoys, sandboxes ...');
    await fleet.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function ensureDataset(dir: string): Promise<void> {
  if (existsSync(path.join(dir, 'manifest.json'))) return;
  process.stderr.write(`generating the default dataset into ${dir} (10 users, one year, 100,000 samples) ...\n`);
  const t0 = performance.now();
  const manifest: Manifest = await generateDataset({ out: dir });
  process.stderr.write(`${summaryText(manifest, (performance.now() - t0) / 1000, dir)}\n`);
}

function printWelcome(fleet: Fleet): void {
  const cp = fleet.cp;
  if (!cp) return;
  process.stderr.write(
    [
      '',
      `Vigil is running: ${fleet.hosts.length} agents, control plane ${cp.url}`,
      `  console:        ${cp.url}/console/  (log in with a token below)`,
      `  operator token: ${cp.tokens.operator}`,
      `  viewer token:   ${cp.tokens.viewer}`,
      `  API docs:       ${cp.url}/docs`,
      `  logs and sandboxes: ${fleet.opts.workDir}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

let lastPrinted = 0;
async function printSummary(fleet: Fleet): Promise<void> {
  const outcomes = await fleet.outcomes();
  const incidents = await controlPlaneView(fleet)
    .then((v) => v?.incidents ?? null)
    .catch(() => null);
  const line = summaryLine(summarize(outcomes, incidents), fleet.eventNow());
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
  else if (Date.now() - lastPrinted >= 10_000) {
    lastPrinted = Date.now();
    process.stderr.write(`${line}\n`);
  }
}

interface CpView {
  anomalies: { total: number; byType: Record<string, number>; bySource: Record<string, number> };
  incidents: number;
}

/** What the control plane holds at the end, from its own KPI query (counted in SQL, so nothing is capped). */
async function controlPlaneView(fleet: Fleet): Promise<CpView | null> {
  if (!fleet.cp) return null;
  type Kc = { key: string; count: number }[];
  type Kpis = { anomalies: { total: number; byType: Kc; bySource: Kc }; incidents: { total: number } };
  const from = fleet.origin - 3_600_000; // event times start here; incidents and actions carry wall time (≤ now)
  const to = Math.max(fleet.eventNow(), Date.now()) + 60_000;
  const k = await fleet.cp.admin.get<Kpis>(`/v1/kpis?from=${from}&to=${to}`);
  const rec = (list: Kc) => Object.fromEntries(list.map((x) => [x.key, x.count]));
  return {
    anomalies: { total: k.anomalies.total, byType: rec(k.anomalies.byType), bySource: rec(k.anomalies.bySource) },
    incidents: k.incidents.total,
  };
}

function finalText(outcomes: HostOutcome[], cp: CpView | null): string {
  const lines = ['Outcome:'];
  for (const o of outcomes) {
    const done = (o.status?.actions.recent ?? []).filter((a) => a.decision === 'executed');
    const fixes = done.map((a) => `${a.playbook} ${a.target} ${a.result}${a.dryRun ? ' (dry-run)' : ''}`);
    const down = Math.round((o.health?.downtimeMs ?? 0) / 60_000);
    lines.push(
      `  ${o.host}: injected ${o.injections.map((i) => i.kind).join(', ') || 'nothing'}; fixes: ${fixes.join('; ') || 'none'}; app down ${down} event-min`,
    );
  }
  if (cp) {
    const list = (r: Record<string, number>) =>
      Object.entries(r)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    lines.push(`  control plane: ${cp.incidents} incidents; ${cp.anomalies.total} anomalies`);
    lines.push(`    by type: ${list(cp.anomalies.byType)}`);
    lines.push(`    by source: ${list(cp.anomalies.bySource)}`);
  }
  return lines.join('\n');
}
