import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run as reportCli } from '../control-plane/src/report/cli.ts';
import type { MeasuredUptime } from '../control-plane/src/report/model.ts';
import { Fleet } from './fleet.ts';

const METHOD =
  'Measured by the demo replay itself: the same script (logs, brute force, decoy miner, disk fill) was played twice ' +
  'at the same speed and length, once with fixes off and once with fixes auto. The replay service-health model ' +
  'counts a host as down while its disk is at or above 95% (the app cannot write) and while a miner burns its CPU ' +
  '(the app misses its latency objective). Downtime is in event time; with fixes off nothing ends an outage but the ' +
  'end of the run, so the off figure is a lower bound of the real outage.';

/** The fixes-off twin of a finished run: same dataset, hosts, speed and length; no control plane needed. */
export async function measureUptime(auto: Fleet, say: (s: string) => void): Promise<MeasuredUptime> {
  say(`measuring: the same replay with fixes off (${auto.opts.durationSec} s) for the uptime comparison ...`);
  const off = new Fleet({
    ...auto.opts,
    fixes: 'off',
    controlPlane: null,
    cloud: false,
    workDir: path.join(auto.opts.workDir, 'fixes-off'),
    onProgress: undefined,
  });
  try {
    await off.start();
    await off.run();
  } finally {
    await off.stop();
  }
  const run = (f: Fleet) => ({
    downtimeMs: f.health.total(),
    hosts: f.health.hosts.size,
    eventSpanMs: f.endedAt - f.origin,
    diskFullMs: sum(f, 'disk-full'),
    minerMs: sum(f, 'miner'),
  });
  return { off: run(off), auto: run(auto), method: METHOD };
}

const sum = (f: Fleet, cause: 'disk-full' | 'miner') =>
  [...f.health.hosts.values()].reduce((a, h) => a + h.byCause[cause], 0);

/** Writes report.{html,md,pdf} from the stopped control plane's store, with the measured comparison. */
export async function writeReport(fleet: Fleet, measured: MeasuredUptime, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const measuredFile = path.join(dir, 'measured-uptime.json');
  writeFileSync(measuredFile, `${JSON.stringify(measured, null, 2)}\n`);
  const common = [
    '--data',
    path.join(fleet.opts.workDir, 'control-plane'),
    '--from',
    new Date(fleet.origin).toISOString(),
    '--to',
    // Anomalies carry event time, incidents and actions wall time: the window covers both.
    new Date(Math.max(fleet.endedAt, Date.now()) + 60_000).toISOString(),
    '--measured',
    measuredFile,
  ];
  const written = [measuredFile];
  for (const format of ['html', 'md', 'pdf']) {
    const out = path.join(dir, `report.${format}`);
    const code = await reportCli([...common, '--format', format, '--out', out]);
    if (code === 0) written.push(out);
  }
  return written;
}
