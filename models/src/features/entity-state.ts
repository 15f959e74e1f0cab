import type { EntityKind, LogEvent, LogSource } from '../schema/index.ts';
import { AUTH_ACTIONS, SYSLOG_ACTIONS } from '../schema/index.ts';
import { RecencySet } from './bounded-map.ts';
import { DecayedStats } from './decayed-stats.ts';
import { DECAY_HALF_LIFE_MS, DECAYED_INDEX } from './feature-defs.ts';
import type { WindowAcc } from './window-acc.ts';

export interface StateConfig {
  /** Weight of the newest window in the decayed baselines. */
  baselineAlpha: number;
  /** Gap that ends a login session (ms). */
  sessionGapMs: number;
  /** Horizon of the rolling "last hour" features (ms). */
  rollingMs: number;
  windowMs: number;
}

const RING = 64;

/** An exe seen for the first time stays "new" this long, so a miner that runs for hours still counts as new. */
const NEW_EXE_MS = 24 * 3600_000;

/**
 * What Vigil remembers about one entity between windows: its own baselines, what it has seen before (novelty), its
 * usual hours, and short rolling history. Sets are created lazily and bounded, so an IP that sent one packet costs a
 * few hundred bytes.
 */
export class EntityState {
  firstSeen: number;
  lastSeen: number;
  lastWindowEnd = 0;
  readonly base: Record<'n' | 'fail' | 'bytes' | 'invocations' | 'duration' | 'diskGrowth', DecayedStats>;
  sourceBase: Map<LogSource, DecayedStats> | undefined;
  actions: RecencySet | undefined;
  srcIps: RecencySet | undefined;
  principals: RecencySet | undefined;
  exes: Map<string, number> | undefined;
  packages: RecencySet | undefined;
  regions: RecencySet | undefined;
  services: RecencySet | undefined;
  failingIps: RecencySet | undefined;
  /** Decayed event counts per hour of day (UTC); the entity's "usual hours". */
  hourHist: Float64Array | undefined;
  hourTotal = 0;
  /** Per-window n and fail for the rolling features, indexed by window number modulo RING. */
  private readonly ringWin = new Float64Array(RING).fill(-1);
  private readonly ringN = new Float64Array(RING);
  private readonly ringFail = new Float64Array(RING);
  sessionStart = 0;
  sessionLast = 0;
  sessionAttempts = 0;
  lastDisk: Map<string, { ts: number; used: number }> | undefined;
  /** Exponentially decayed sums of selected window counts (see DECAYED_BASES), as of `decayedUntil`. */
  private decayed: Float64Array | undefined;
  private decayedUntil = 0;

  constructor(
    readonly kind: EntityKind,
    ts: number,
    private readonly cfg: StateConfig,
  ) {
    this.firstSeen = ts;
    this.lastSeen = ts;
    const stats = () => new DecayedStats(cfg.baselineAlpha);
    this.base = {
      n: stats(),
      fail: stats(),
      bytes: stats(),
      invocations: stats(),
      duration: stats(),
      diskGrowth: stats(),
    };
  }

  /** Novelty and history-dependent tallies for one event, written into the entity's open window. */
  observe(e: LogEvent, acc: WindowAcc): void {
    this.lastSeen = e.ts;
    if ((this.actions ??= new RecencySet(64)).touch(e.action, e.ts)) acc.newActions++;
    if (e.srcIp && (this.srcIps ??= new RecencySet(128)).touch(e.srcIp, e.ts)) acc.newSrcIps++;
    if (e.principal && (this.principals ??= new RecencySet(64)).touch(e.principal, e.ts)) acc.newPrincipals++;
    this.observeSession(e);
    switch (e.source) {
      case 'ec2.auth':
        this.observeAuth(e, acc);
        break;
      case 'ec2.syslog':
        if (e.action === SYSLOG_ACTIONS.packageChange && e.resource) {
          if ((this.packages ??= new RecencySet(512)).touch(e.resource, e.ts)) acc.newPackages++;
        }
        break;
      case 'ec2.process':
        if (e.action === 'process.sample' && e.resource) this.observeExe(e, acc);
        break;
      case 'ec2.disk':
        this.observeDisk(e, acc);
        break;
      case 'cloudtrail':
        if (e.region && (this.regions ??= new RecencySet(16)).touch(e.region, e.ts)) acc.newRegions++;
        if (e.program && (this.services ??= new RecencySet(64)).touch(e.program, e.ts)) acc.newServices++;
        break;
    }
  }

  private observeAuth(e: LogEvent, acc: WindowAcc): void {
    if (!e.srcIp) return;
    const failing = (this.failingIps ??= new RecencySet(256));
    if (e.outcome === 'failure') failing.touch(e.srcIp, e.ts);
    else if (e.action === AUTH_ACTIONS.sshLogin && failing.has(e.srcIp)) acc.sshSuccessAfterFail++;
  }

  private observeExe(e: LogEvent, acc: WindowAcc): void {
    const exes = (this.exes ??= new Map());
    const exe = e.resource as string;
    let first = exes.get(exe);
    if (first === undefined) {
      if (exes.size >= 1024) exes.delete(exes.keys().next().value as string);
      exes.set(exe, e.ts);
      first = e.ts;
      acc.newExes++;
    }
    if (e.ts - first < NEW_EXE_MS) {
      const cpu = Number(e.attrs?.cpu);
      if (Number.isFinite(cpu) && cpu > acc.newExeMaxCpu) acc.newExeMaxCpu = cpu;
    }
  }

  private observeDisk(e: LogEvent, acc: WindowAcc): void {
    if (!e.resource || e.bytes === undefined) return;
    const disks = (this.lastDisk ??= new Map());
    const prev = disks.get(e.resource);
    if (prev && e.ts > prev.ts) {
      const growth = (e.bytes - prev.used) / ((e.ts - prev.ts) / 1000);
      if (growth > acc.diskGrowthMax) acc.diskGrowthMax = growth;
    }
    if (disks.size < 64 || prev) disks.set(e.resource, { ts: e.ts, used: e.bytes });
  }

  /** Login sessions: attempts from one source end when it goes quiet for `sessionGapMs`. */
  private observeSession(e: LogEvent): void {
    if (this.kind !== 'ip' || e.source !== 'ec2.auth') return;
    if (e.ts - this.sessionLast > this.cfg.sessionGapMs) {
      this.sessionStart = e.ts;
      this.sessionAttempts = 0;
    }
    this.sessionLast = e.ts;
    if (e.outcome !== 'unknown') this.sessionAttempts++;
  }

  /** The decayed sum of base k as seen at time t (before the window starting at t is added). */
  decayedAt(k: number, t: number): number {
    if (!this.decayed) return 0;
    return this.decayed[k] * Math.exp(-((t - this.decayedUntil) * Math.LN2) / DECAY_HALF_LIFE_MS);
  }

  /** Folds a closed window's values (picked from its feature vector) into the decayed sums. */
  commitDecayed(features: Float32Array, windowEnd: number): void {
    const d = (this.decayed ??= new Float64Array(DECAYED_INDEX.length));
    const f = this.decayedUntil > 0 ? Math.exp(-((windowEnd - this.decayedUntil) * Math.LN2) / DECAY_HALF_LIFE_MS) : 0;
    for (let k = 0; k < d.length; k++) {
      const v = features[DECAYED_INDEX[k]];
      d[k] = d[k] * f + (Number.isFinite(v) ? v : 0);
    }
    this.decayedUntil = windowEnd;
  }

  /** 1 − P(hour) under the entity's usual-hours histogram; NaN until there is enough history to say. */
  hourNovelty(hour: number): number {
    if (!this.hourHist || this.hourTotal < 30) return Number.NaN;
    let max = 0;
    for (const v of this.hourHist) if (v > max) max = v;
    return max > 0 ? 1 - this.hourHist[hour] / max : Number.NaN;
  }

  rolling(windowNo: number, span: number): { n: number; fail: number } {
    let n = 0;
    let fail = 0;
    for (let w = windowNo - span + 1; w <= windowNo; w++) {
      const i = ((w % RING) + RING) % RING;
      if (this.ringWin[i] === w) {
        n += this.ringN[i];
        fail += this.ringFail[i];
      }
    }
    return { n, fail };
  }

  /** Fold a closed window into the history. Called after its features were read, so they never see themselves. */
  commit(windowNo: number, hour: number, acc: WindowAcc): void {
    const i = ((windowNo % RING) + RING) % RING;
    this.ringWin[i] = windowNo;
    this.ringN[i] = acc.n;
    this.ringFail[i] = acc.fail;
    this.base.n.update(acc.n);
    this.base.fail.update(acc.fail);
    this.base.bytes.update(acc.bytes);
    if (acc.invocations > 0) this.base.invocations.update(acc.invocations);
    if (acc.durN > 0) this.base.duration.update(acc.durSum / acc.durN);
    if (acc.diskUsedPctMax > 0) this.base.diskGrowth.update(acc.diskGrowthMax);
    if (this.kind === 'account') {
      const sb = (this.sourceBase ??= new Map());
      for (const [src, count] of acc.sources) {
        let s = sb.get(src);
        if (!s) sb.set(src, (s = new DecayedStats(this.cfg.baselineAlpha)));
        s.update(count);
      }
    }
    const hist = (this.hourHist ??= new Float64Array(24));
    for (let h = 0; h < 24; h++) hist[h] *= 0.999;
    hist[hour] += acc.n;
    this.hourTotal = this.hourTotal * 0.999 + acc.n;
    this.lastWindowEnd = (windowNo + 1) * this.cfg.windowMs;
  }
}
