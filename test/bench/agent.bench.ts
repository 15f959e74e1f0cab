/**
 * vigil-agent figures, one JSON object per line (npm run bench:agent, or: node --import tsx test/bench/agent.bench.ts).
 *
 *  tail-only        raw FileSource rate over a pre-written auth.log (read, split, batch, ack, checkpoint)
 *  end-to-end       the same file through tail -> parse -> features -> score -> commit+ack, in the same run
 *  decision latency line appended (10k lines/s, in-process writer) -> the decision that covered it, p50/p99
 *  block latency    brute-force burst appended -> block-ip executed (dry-run backend) through the whole daemon, p99
 *  idle cpu / rss   the real daemon (esbuild bundle, plain node, no tsx) idle with the bundle loaded, from /proc
 *
 * The model bundle is models/bundles/default when it loads with this build's feature schema, else the small test
 * bundle (printed in every figure). Run pinned to one core (test/bench/run.ts uses taskset) for one-core figures.
 */
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { stringify } from 'yaml';
import { parseAgentConfig } from '../../agent/src/config/load.ts';
import { Daemon } from '../../agent/src/daemon.ts';
import { silentLogger } from '../../agent/src/metrics/log.ts';
import { ModelSlot } from '../../agent/src/pipeline/model-slot.ts';
import type { SourceBatch } from '../../agent/src/sources/source.ts';
import { statusRequest } from '../../agent/src/status/client.ts';
import { FeatureEngine } from '../../models/src/features/engine.ts';
import { endToEnd, pipelineRig, tailOnly } from '../agent/support/bench-rigs.ts';
import { pct, round, sleep, sshdMixed, writeCorpus } from '../agent/support/bench-workloads.ts';
import { failedPassword } from '../agent/support/syslog-lines.ts';
import { testBundle } from '../agent/support/test-bundle.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const LINES = Number(process.env.AGENT_BENCH_LINES ?? 400_000);
const work = mkdtempSync(path.join(tmpdir(), 'vigil-agent-bench-'));
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function pickBundle(): Promise<string> {
  const dflt = path.join(REPO, 'models/bundles/default');
  const slot = new ModelSlot({ expectedFeatureHash: new FeatureEngine().schema.hash });
  try {
    await slot.loadFirst([dflt]);
    return dflt;
  } catch (err) {
    process.stderr.write(
      `bench: ${dflt} not usable (${(err as Error).message.slice(0, 120)}); using the test bundle\n`,
    );
    return testBundle();
  } finally {
    await slot.close();
  }
}

async function decisionLatency(bundle: string, attack: boolean, rate = 10_000, seconds = 8) {
  const root = mkdtempSync(path.join(work, 'lat-'));
  mkdirSync(path.join(root, 'var/log'), { recursive: true });
  const file = path.join(root, 'var/log/auth.log');
  writeFileSync(file, '');
  const written = new Float64Array(rate * seconds + 1);
  const lat: number[] = [];
  const tail: number[] = [];
  const arrived = new Map<SourceBatch, number>();
  const rig = await pipelineRig(root, bundle, (d) => {
    const at = performance.now();
    for (const b of d.batches) {
      if (b.type !== 'lines') continue;
      for (const l of b.lines) {
        const seq = Number(/sshd\[(\d+)\]/.exec(l)?.[1]);
        lat.push(at - written[seq]);
        tail.push((arrived.get(b) ?? at) - written[seq]);
      }
      arrived.delete(b);
    }
  });
  const cpu0 = process.cpuUsage();
  await rig.src.start({
    write: (b) => {
      arrived.set(b, performance.now());
      rig.pipeline.write(b);
    },
    issue: (i) => rig.pipeline.issue(i),
  });
  const total = rate * seconds;
  const t0 = performance.now();
  let seq = 0;
  while (seq < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    if (due > seq) {
      let chunk = '';
      const now = Date.now();
      const from = seq;
      // The sequence number rides in the pid field: sshd[<seq>].
      for (; seq < due; seq++) chunk += `${sshdMixed(now, seq, attack)}\n`;
      const at = performance.now();
      appendFileSync(file, chunk);
      written.fill(at, from, seq);
    }
    await sleep(2);
  }
  while (rig.acked() < total) await sleep(5);
  const cpu = process.cpuUsage(cpu0);
  await rig.close();
  return {
    lines: total,
    measured: lat.length,
    p50: round(pct(lat, 0.5)),
    p99: round(pct(lat, 0.99)),
    max: round(Math.max(...lat)),
    tailerP99: round(pct(tail, 0.99)),
    cpuPercentOfCore: round(((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1000)) * 100),
  };
}

async function blockLatency(bundle: string, trials = 30) {
  const root = mkdtempSync(path.join(work, 'blk-'));
  mkdirSync(path.join(root, 'var/log'), { recursive: true });
  const file = path.join(root, 'var/log/auth.log');
  writeFileSync(file, '');
  const cfg = parseAgentConfig(
    stringify({
      root,
      host: { name: 'web-1' },
      state: { dir: path.join(root, 'state') },
      models: { bundleDir: bundle },
      status: { socket: path.join(root, 'agent.sock') },
      metrics: { enabled: false },
      sources: { files: { startAt: 'beginning', pollIntervalMs: 1000 } },
      policy: {
        killSwitchFile: path.join(root, 'disable-actions'),
        blastRadius: { maxActions: 10_000, windowSeconds: 60 },
        playbooks: {
          'kill-process': { mode: 'off' },
          'clean-disk': { mode: 'off' },
          'block-ip': { mode: 'auto', backend: 'dry-run', cooldownSeconds: 0, rate: { burst: 1000, perHour: 100_000 } },
        },
      },
    }),
  );
  const blocked = new Map<string, number>();
  const daemon = await Daemon.start(cfg, {
    log: silentLogger(),
    onAudit: (e) => {
      if (e.playbook === 'block-ip' && e.decision === 'executed' && e.target) blocked.set(e.target, performance.now());
    },
  });
  const lat: number[] = [];
  let missed = 0;
  for (let t = 0; t < trials; t++) {
    const ip = `185.${100 + t}.${t * 7 + 1}.${t + 10}`;
    const now = Date.now();
    const burst = Array.from({ length: 40 }, (_, i) =>
      failedPassword(now, 'web-1', i % 2 ? 'root' : 'admin', ip, 40000 + i, i % 2 === 0),
    );
    const at = performance.now();
    appendFileSync(file, `${burst.join('\n')}\n`);
    const until = at + 5000;
    while (!blocked.has(ip) && performance.now() < until) await sleep(2);
    if (blocked.has(ip)) lat.push(blocked.get(ip)! - at);
    else missed++;
    await sleep(100);
  }
  await daemon.stop();
  return {
    trials,
    blocked: lat.length,
    missed,
    p50: round(pct(lat, 0.5)),
    p99: round(pct(lat, 0.99)),
    max: round(Math.max(...lat)),
  };
}

/** Builds the agent CLI into one JS file (no tsx), like the single binary will hold, for the idle and RSS figures. */
async function bundleAgent(): Promise<string> {
  const dir = path.join(work, 'dist');
  mkdirSync(dir, { recursive: true });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  const entry = path.join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { main } from '${path.join(REPO, 'agent/src/cli/main.ts')}';\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
  const out = path.join(dir, 'vigil-agent.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outfile: out,
    external: ['onnxruntime-node'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
  });
  return out;
}

async function idleDaemon(bundle: string, settleMs = 3000, measureMs = 10_000) {
  const root = mkdtempSync(path.join(work, 'idle-'));
  mkdirSync(path.join(root, 'var/log'), { recursive: true });
  writeFileSync(path.join(root, 'var/log/auth.log'), '');
  const socket = path.join(root, 'agent.sock');
  const config = path.join(root, 'agent.yaml');
  writeFileSync(
    config,
    stringify({
      root,
      state: { dir: path.join(root, 'state') },
      models: { bundleDir: bundle },
      status: { socket },
      metrics: { listen: '127.0.0.1:0' },
    }),
  );
  const child = spawn(process.execPath, [await bundleAgent(), 'run', '--config', config], { stdio: 'ignore' });
  try {
    for (let i = 0; ; i++) {
      try {
        await statusRequest(socket, { cmd: 'status' }, 1000);
        break;
      } catch {
        if (i > 200) throw new Error('daemon did not start');
        await sleep(100);
      }
    }
    await sleep(settleMs);
    const ticks = () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (USER_HZ = 100)
    };
    const t0 = ticks();
    await sleep(measureMs);
    const cpuPercent = ((ticks() - t0) / 100 / (measureMs / 1000)) * 100;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
    return { cpuPercent, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const bundle = await pickBundle();
  const version = JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')).bundleVersion;
  const common = { bundle: version };
  const root = path.join(work, 'corpus');
  mkdirSync(path.join(root, 'var/log'), { recursive: true });
  writeCorpus(path.join(root, 'var/log/auth.log'), LINES);

  const only = process.env.AGENT_BENCH_ONLY; // "e2e" or "latency": one figure, for profiling
  if (only === 'latency') {
    emit({ name: 'latency only', ...(await decisionLatency(bundle, process.env.AGENT_BENCH_ATTACK === '1')) });
    return;
  }
  if (only === 'e2e') {
    const e = await endToEnd(root, bundle, LINES);
    emit({
      name: 'end-to-end only',
      linesPerSec: Math.round(LINES / e.seconds),
      cpuSeconds: e.cpuSeconds,
      rows: e.stats.rowsScored,
    });
    return;
  }
  const tail = await tailOnly(root, LINES);
  const tailRate = Math.round(tail.lines / tail.seconds);
  emit({
    name: 'tail-only throughput',
    lines: tail.lines,
    seconds: +tail.seconds.toFixed(2),
    linesPerSec: tailRate,
    ...common,
  });
  const e2e = await endToEnd(root, bundle, LINES);
  emit({
    name: 'end-to-end throughput (tail->parse->features->score)',
    lines: LINES,
    seconds: +e2e.seconds.toFixed(2),
    linesPerSec: Math.round(LINES / e2e.seconds),
    cpuSeconds: +e2e.cpuSeconds.toFixed(2),
    ofTailRate: +(LINES / e2e.seconds / tailRate).toFixed(3),
    rowsScored: e2e.stats.rowsScored,
    anomalies: e2e.stats.anomalies,
    goal: '>= 200k lines/s',
    ...common,
  });
  for (const attack of [false, true]) {
    const d = await decisionLatency(bundle, attack);
    const workload = attack
      ? 'every line a failure from ~2k IPs (most become anomalies)'
      : '90% benign sshd, 10% failures from ~2k IPs';
    emit({
      name: 'line written -> decision at 10k lines/s',
      workload,
      ...d,
      unit: 'ms',
      goal: 'p99 < 250 ms',
      ...common,
    });
  }
  const b = await blockLatency(bundle);
  emit({ name: 'line written -> IP blocked (dry-run backend)', ...b, unit: 'ms', goal: 'p99 < 1000 ms', ...common });
  const idle = await idleDaemon(bundle);
  emit({ name: 'idle daemon cpu', cpuPercent: +idle.cpuPercent.toFixed(2), goal: '< 1%', ...common });
  emit({ name: 'daemon rss with models loaded', rssMb: +idle.rssMb.toFixed(1), goal: '< 150 MB', ...common });
}

try {
  await main();
} finally {
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
