import type { LogEvent, LogSource } from '../schema/index.ts';
import { AUTH_ACTIONS, LAMBDA_ACTIONS, SYSLOG_ACTIONS } from '../schema/index.ts';
import {
  IAM_PERSISTENCE_EVENTS,
  isAccessDenied,
  isOffensiveTool,
  isPrivateIp,
  isSensitiveKey,
  isSuspiciousCommand,
  isTempExecutable,
  LOG_TAMPER_EVENTS,
} from './patterns.ts';

/** Distinct-count sets saturate here: a 65k-port scan must not cost 65k strings per window. */
export const SET_CAP = 2048;
const SAMPLE_LINES = 6;

function addCapped<T>(set: Set<T>, v: T): void {
  if (set.size < SET_CAP) set.add(v);
}

const SSH_FAILURES = new Set<string>([
  AUTH_ACTIONS.sshFailed,
  AUTH_ACTIONS.sshInvalidUser,
  AUTH_ACTIONS.pamAuthFailure,
  AUTH_ACTIONS.sshMaxAuth,
  AUTH_ACTIONS.sshBreakIn,
]);

/** The process a kill-process playbook may act on: the detector's hint, re-verified by the playbook itself. */
export interface ProcessTarget {
  pid: number;
  startTime: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): the exact identity, when the sampler has it. */
  startTicks: number | undefined;
  exe: string;
  cpu: number;
}

/**
 * Raw per-window tallies for one entity. Everything here is a plain counter or a bounded set; turning them into
 * features (ratios, z-scores, novelty) happens once, when the window is read.
 */
export class WindowAcc {
  n = 0;
  fail = 0;
  readonly actions = new Map<string, number>();
  readonly srcIps = new Set<string>();
  readonly principals = new Set<string>();
  readonly sources = new Map<LogSource, number>();
  newActions = 0;
  newSrcIps = 0;
  newPrincipals = 0;
  // host / auth
  sshFail = 0;
  sshInvalid = 0;
  sshSuccess = 0;
  sshSuccessAfterFail = 0;
  sudo = 0;
  sudoFail = 0;
  suspicious = 0;
  offensiveTools = 0;
  pkgChanges = 0;
  newPackages = 0;
  serviceFail = 0;
  kernelOom = 0;
  diskFullMsgs = 0;
  // process / load / disk
  procSamples = 0;
  maxProcCpu = 0;
  readonly highCpuPids = new Set<number>();
  newExes = 0;
  newExeMaxCpu = 0;
  procInTmp = 0;
  loadPerCpuMax = 0;
  diskUsedPctMax = 0;
  diskGrowthMax = 0;
  topProcess: ProcessTarget | undefined;
  topMount: string | undefined;
  // lambda
  invocations = 0;
  durSum = 0;
  durN = 0;
  durMax = 0;
  memRatioMax = 0;
  timeouts = 0;
  ooms = 0;
  errors = 0;
  coldStarts = 0;
  // s3
  gets = 0;
  puts = 0;
  deletes = 0;
  denied = 0;
  sensitiveGets = 0;
  readonly keys = new Set<string>();
  // network / bytes
  bytes = 0;
  packets = 0;
  flows = 0;
  readonly dstPorts = new Map<number, number>();
  readonly dstIps = new Set<string>();
  unusualProto = 0;
  bytesPerFlowMax = 0;
  srcInternal = 0;
  externalDstBytes = 0;
  // cloudtrail
  ctEvents = 0;
  iamWrites = 0;
  logTamper = 0;
  accessDenied = 0;
  consoleLoginFail = 0;
  rootActivity = 0;
  readonly regions = new Set<string>();
  newRegions = 0;
  newServices = 0;
  // evidence
  readonly lines: string[] = [];
  firstTs = Number.POSITIVE_INFINITY;
  lastTs = 0;

  /** Tallies that depend only on the event itself. Novelty against entity history is added by EntityState. */
  add(e: LogEvent): void {
    this.n++;
    if (e.ts < this.firstTs) this.firstTs = e.ts;
    if (e.ts > this.lastTs) this.lastTs = e.ts;
    if (e.outcome === 'failure') this.fail++;
    this.actions.set(e.action, (this.actions.get(e.action) ?? 0) + 1);
    this.sources.set(e.source, (this.sources.get(e.source) ?? 0) + 1);
    if (e.srcIp) addCapped(this.srcIps, e.srcIp);
    if (e.principal) addCapped(this.principals, e.principal);
    if (e.bytes !== undefined && Number.isFinite(e.bytes)) this.bytes += e.bytes;
    if (e.packets !== undefined && Number.isFinite(e.packets)) this.packets += e.packets;
    if (this.lines.length < SAMPLE_LINES || e.outcome === 'failure') this.keepLine(e.raw);
    switch (e.source) {
      case 'ec2.auth':
        this.addAuth(e);
        break;
      case 'ec2.syslog':
        this.addSyslog(e);
        break;
      case 'ec2.process':
        this.addProcess(e);
        break;
      case 'ec2.disk':
        this.addDisk(e);
        break;
      case 'lambda':
        this.addLambda(e);
        break;
      case 's3':
        this.addS3(e);
        break;
      case 'vpc':
        this.addFlow(e);
        break;
      case 'cloudtrail':
        this.addCloudTrail(e);
        break;
    }
  }

  private keepLine(raw: string): void {
    const line = raw.length > 1024 ? raw.slice(0, 1024) : raw;
    if (this.lines.length < SAMPLE_LINES) this.lines.push(line);
    else this.lines[SAMPLE_LINES - 1] = line; // keep the first lines and the latest notable one
  }

  private addAuth(e: LogEvent): void {
    if (SSH_FAILURES.has(e.action)) {
      this.sshFail++;
      if (e.attrs?.invalidUser === true || e.action === AUTH_ACTIONS.sshInvalidUser) this.sshInvalid++;
    } else if (e.action === AUTH_ACTIONS.sshLogin) this.sshSuccess++;
    else if (e.action === AUTH_ACTIONS.sudoCommand) {
      this.sudo++;
      if (isSuspiciousCommand(e.resource)) this.suspicious++;
      if (isOffensiveTool(e.resource)) this.offensiveTools++;
    } else if (e.action === AUTH_ACTIONS.sudoFailure) this.sudoFail++;
  }

  private addSyslog(e: LogEvent): void {
    switch (e.action) {
      case SYSLOG_ACTIONS.cronCommand:
        if (isSuspiciousCommand(e.resource)) this.suspicious++;
        break;
      case SYSLOG_ACTIONS.packageChange:
        this.pkgChanges++;
        if (isOffensiveTool(e.resource)) this.offensiveTools++;
        break;
      case SYSLOG_ACTIONS.serviceFail:
        this.serviceFail++;
        break;
      case SYSLOG_ACTIONS.kernelOom:
        this.kernelOom++;
        break;
      case SYSLOG_ACTIONS.diskFull:
        this.diskFullMsgs++;
        break;
    }
  }

  private addProcess(e: LogEvent): void {
    const a = e.attrs;
    if (e.action === 'host.load') {
      const load1 = Number(a?.load1);
      const cpus = Number(a?.cpus) || 1;
      if (Number.isFinite(load1)) this.loadPerCpuMax = Math.max(this.loadPerCpuMax, load1 / cpus);
      return;
    }
    this.procSamples++;
    const cpu = Number(a?.cpu);
    if (Number.isFinite(cpu)) {
      if (cpu > 80 && e.pid !== undefined && this.highCpuPids.size < SET_CAP) this.highCpuPids.add(e.pid);
      if (cpu > this.maxProcCpu && e.pid !== undefined) {
        this.maxProcCpu = cpu;
        const ticks = Number(a?.startTicks);
        this.topProcess = {
          pid: e.pid,
          startTime: Number(a?.startTime) || 0,
          startTicks: Number.isFinite(ticks) ? ticks : undefined,
          exe: e.resource ?? '',
          cpu,
        };
      }
    }
    if (isTempExecutable(e.resource)) this.procInTmp++;
    if (typeof a?.cmdline === 'string' && isSuspiciousCommand(a.cmdline)) this.suspicious++;
    if (isOffensiveTool(e.program)) this.offensiveTools++;
  }

  private addDisk(e: LogEvent): void {
    const pct = Number(e.attrs?.usedPct);
    if (Number.isFinite(pct) && pct > this.diskUsedPctMax) {
      this.diskUsedPctMax = pct;
      this.topMount = e.resource;
    }
  }

  private addLambda(e: LogEvent): void {
    switch (e.action) {
      case LAMBDA_ACTIONS.start:
        this.invocations++;
        break;
      case LAMBDA_ACTIONS.report:
        if (e.durationMs !== undefined) {
          this.durSum += e.durationMs;
          this.durN++;
          if (e.durationMs > this.durMax) this.durMax = e.durationMs;
        }
        if (e.memoryMb !== undefined && e.memoryLimitMb) {
          this.memRatioMax = Math.max(this.memRatioMax, e.memoryMb / e.memoryLimitMb);
        }
        if (e.attrs?.initMs !== undefined) this.coldStarts++;
        break;
      case LAMBDA_ACTIONS.timeout:
        this.timeouts++;
        break;
      case LAMBDA_ACTIONS.outOfMemory:
        this.ooms++;
        break;
      case LAMBDA_ACTIONS.error:
        this.errors++;
        break;
    }
  }

  private addS3(e: LogEvent): void {
    const op = e.action;
    if (op.includes('GET')) {
      this.gets++;
      if (isSensitiveKey(e.attrs?.key as string | undefined) && e.outcome === 'success') this.sensitiveGets++;
    } else if (op.includes('PUT') || op.includes('POST')) this.puts++;
    else if (op.includes('DELETE')) this.deletes++;
    if (e.status === '403') this.denied++;
    const key = e.attrs?.key;
    if (typeof key === 'string') addCapped(this.keys, key);
  }

  private addFlow(e: LogEvent): void {
    this.flows++;
    if (e.dstPort !== undefined) {
      if (this.dstPorts.size < SET_CAP || this.dstPorts.has(e.dstPort)) {
        this.dstPorts.set(e.dstPort, (this.dstPorts.get(e.dstPort) ?? 0) + 1);
      }
    }
    if (e.dstIp) addCapped(this.dstIps, e.dstIp);
    if (e.protocol !== undefined && e.protocol !== 6 && e.protocol !== 17 && e.protocol !== 1) this.unusualProto++;
    const bytes = e.bytes ?? 0;
    if (bytes > this.bytesPerFlowMax) this.bytesPerFlowMax = bytes;
    if (isPrivateIp(e.srcIp)) {
      this.srcInternal++;
      if (e.dstIp && !isPrivateIp(e.dstIp)) this.externalDstBytes += bytes;
    }
  }

  private addCloudTrail(e: LogEvent): void {
    this.ctEvents++;
    if (IAM_PERSISTENCE_EVENTS.has(e.action)) this.iamWrites++;
    if (LOG_TAMPER_EVENTS.has(e.action)) this.logTamper++;
    if (isAccessDenied(e.status)) this.accessDenied++;
    if (e.action === 'ConsoleLogin' && e.outcome === 'failure') this.consoleLoginFail++;
    if (e.attrs?.principalType === 'Root') this.rootActivity++;
    if (e.region) addCapped(this.regions, e.region);
  }
}
