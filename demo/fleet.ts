import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StatusReport } from '../agent/src/status/report.ts';
import type { Label } from '../models/src/schema/index.ts';
import type { Manifest } from '../models/src/synth/index.ts';
import { AgentHost, type FixMode } from './agent-host.ts';
import { type ControlPlane, canaryUpdate, startControlPlane } from './control-plane.ts';
import { HealthModel, type HostHealth } from './health.ts';
import { CloudReplay } from './replay/cloud-replay.ts';
import { HostReplay } from './replay/host-replay.ts';
import { buildScripts, type Injection } from './replay/scenario.ts';
import { createSandbox, destroySandbox, type Sandbox } from './sandbox.ts';

export interface FleetOptions {
  dataDir: string;
  bundleDir: string;
  /** A candidate bundle rolled out to the first host over the canary channel once the fleet is up (optional). */
  canaryBundleDir?: string;
  workDir: string;
  hosts: number;
  speed: number;
  /** Wall seconds; 0 = until stopped. */
  durationSec: number;
  fixes: FixMode;
  /** Run the control plane (the fixes-off comparison run needs only the hosts). */
  controlPlane: { port: number } | null;
  /** Stream the account's cloud logs into local CloudWatch Logs / S3 endpoints for the control plane to ingest. */
  cloud: boolean;
  onProgress?(line: string): void;
}

export interface HostOutcome {
  host: string;
  sandbox: Sandbox;
  injections: Injection[];
  status: StatusReport | null;
  health: HostHealth | undefined;
  minerAlive: boolean;
  diskUsedPct: number | null;
  linesWritten: number;
  rotations: number;
}

/** A running demo fleet: control plane, agents, replayers. `stop()` leaves nothing running. */
export class Fleet {
  readonly health = new HealthModel();
  readonly hosts: { replay: HostReplay; agent: AgentHost }[] = [];
  cp: ControlPlane | undefined;
  /**
   * The clock's fixed point: event time equals wall time here (see agent/src/config/clock.ts). It is put at the end
   * of a bounded run (at +30 wall minutes for an open-ended one), so the replayed event time runs from the recent past
   * and reaches "now" as the run ends: the console's last-24-hours views show the whole run.
   */
  clockOrigin = 0;
  /** Event time when the replay started: offset 0 of every host script. */
  origin = 0;
  /** Event time when `run` returned (the end of the replayed span). */
  endedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  cloud: CloudReplay | undefined;
  private stopped = false;
  private readonly sandboxes: Sandbox[] = [];
  private lastTickError = '';

  constructor(readonly opts: FleetOptions) {}

  eventNow(): number {
    return this.clockOrigin + Math.round((Date.now() - this.clockOrigin) * this.opts.speed);
  }

  async start(): Promise<void> {
    const o = this.opts;
    mkdirSync(o.workDir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(o.dataDir, 'manifest.json'), 'utf8')) as Manifest;
    const labels = readFileSync(path.join(o.dataDir, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Label);
    const names = manifest.hosts.slice(0, o.hosts).map((h) => h.hostname);
    if (names.length < o.hosts)
      throw new Error(`the dataset has ${names.length} hosts; --hosts ${o.hosts} is too many`);
    const roundMs = 30 * 60_000;
    // A bounded run plays only whole rounds, so every injection has time to be detected and fixed before the end.
    const rounds = o.durationSec > 0 ? Math.max(1, Math.floor((o.durationSec * o.speed * 1000) / roundMs)) : 48;
    const scripts = buildScripts({ dataDir: o.dataDir, year: manifest.year, hosts: names, roundMs, rounds }, labels);
    const startupAllowanceMs = 15_000 + 3000 * o.hosts; // control plane and agents starting
    const horizon = o.durationSec > 0 ? o.durationSec * 1000 + startupAllowanceMs : 30 * 60_000;
    this.clockOrigin = Math.floor((Date.now() + horizon) / 1000) * 1000;
    this.origin = Math.floor(this.eventNow() / 1000) * 1000;
    if (o.cloud && o.controlPlane) {
      o.onProgress?.('starting the local CloudWatch Logs and S3 endpoints ...');
      this.cloud = await CloudReplay.start({ dataDir: o.dataDir, labels, origin: this.origin, roundMs, rounds });
    }
    if (o.controlPlane) {
      o.onProgress?.('starting the control plane (PGlite) ...');
      this.cp = await startControlPlane({
        dataDir: path.join(o.workDir, 'control-plane'),
        port: o.controlPlane.port,
        logFile: path.join(o.workDir, 'control-plane.log'),
        bundleDir: o.bundleDir,
        cloudIngest: this.cloud?.ingestConfig(),
      });
    }
    const clock = { speed: o.speed, origin: new Date(this.clockOrigin).toISOString() };
    for (const [i, script] of scripts.entries()) {
      const sandbox = createSandbox(path.join(o.workDir, 'hosts'), script.host, i, 24 << 20);
      this.sandboxes.push(sandbox);
      for (const note of sandbox.notes) o.onProgress?.(`${script.host}: ${note}`);
      const replay = new HostReplay(script, sandbox, this.origin, this.health, 10 * 60_000);
      const controlPlane = this.cp && {
        url: this.cp.url,
        enrollmentToken: (await this.cp.admin.post<{ token: string }>('/v1/enrollment-tokens', {})).token,
        signingKeys: this.cp.signingKeys,
      };
      o.onProgress?.(`starting vigil-agent on ${script.host} ...`);
      const logFile = path.join(o.workDir, `agent-${script.host}.log`);
      const agent = await AgentHost.start(
        { sandbox, index: i, bundleDir: o.bundleDir, fixes: o.fixes, clock, controlPlane },
        logFile,
      );
      this.hosts.push({ replay, agent });
    }
    this.timer = setInterval(() => this.tick(), 100);
    if (this.cp && o.canaryBundleDir && this.hosts.length > 0) {
      const host = this.hosts[0].replay.sandbox.host;
      const version = await canaryUpdate(this.cp, o.canaryBundleDir, host);
      o.onProgress?.(`model update: ${host} moved to the canary channel, bundle ${version} rolled out to it`);
    }
  }

  private tick(): void {
    const now = this.eventNow();
    for (const h of this.hosts) {
      try {
        h.replay.tick(now);
      } catch (err) {
        // A sandbox changed under the replayer (a file removed by hand, a full disk): report it, keep the fleet up.
        const msg = `${h.replay.sandbox.host}: replay step failed: ${(err as Error).message}`;
        if (msg !== this.lastTickError) this.opts.onProgress?.(msg);
        this.lastTickError = msg;
      }
    }
    this.cloud?.tick(now);
  }

  /** Waits for the duration (or forever, until `stop`). */
  async run(signal?: AbortSignal): Promise<void> {
    const ms = this.opts.durationSec > 0 ? this.opts.durationSec * 1000 : 2 ** 31 - 1;
    await new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.endedAt = this.eventNow();
  }

  async outcomes(): Promise<HostOutcome[]> {
    return Promise.all(
      this.hosts.map(async ({ replay, agent }) => ({
        host: replay.sandbox.host,
        sandbox: replay.sandbox,
        injections: replay.started,
        status: await agent.status().catch(() => null),
        health: this.health.hosts.get(replay.sandbox.host),
        minerAlive: replay.miner.alive,
        diskUsedPct: replay.filler ? replay.filler.usedPct() : null,
        linesWritten: replay.writer.counts.lines,
        rotations: replay.writer.counts.rotations,
      })),
    );
  }

  async stop(keepFiles = true): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const h of this.hosts) h.replay.stop();
    await Promise.all(this.hosts.map((h) => h.agent.child.stop()));
    await this.cp?.child.stop();
    await this.cloud?.stop();
    for (const sb of this.sandboxes) destroySandbox(sb, keepFiles);
  }
}
