import type { HealthModel } from '../health.ts';
import type { Sandbox } from '../sandbox.ts';
import { DiskFiller, MinerDecoy } from './decoys.ts';
import { LogWriter } from './log-writer.ts';
import type { HostScript, Injection } from './scenario.ts';

/** Disk usage at which the app's writes fail (and it logs so), and the fill stops. */
const FULL_PCT = 95;

/**
 * Plays one host's script against the wall clock mapped to event time (the same mapping the agents use), and
 * keeps the host's service-health model current.
 */
export class HostReplay {
  readonly miner: MinerDecoy;
  readonly filler: DiskFiller | undefined;
  readonly writer: LogWriter;
  readonly started: Injection[] = [];
  private nextLine = 0;
  private nextInjection = 0;
  private filling = false;
  private lastFullLog = 0;

  constructor(
    readonly script: HostScript,
    readonly sandbox: Sandbox,
    private readonly origin: number,
    private readonly health: HealthModel,
    rotateEveryMs: number,
  ) {
    this.writer = new LogWriter(sandbox.logDir, { rotateEveryMs, keep: 3 });
    this.miner = new MinerDecoy(sandbox.root);
    this.filler = sandbox.tmpfs ? new DiskFiller(sandbox.logDir) : undefined;
  }

  tick(eventNow: number): void {
    const offset = eventNow - this.origin;
    const { lines, injections } = this.script;
    while (this.nextLine < lines.length && lines[this.nextLine].at <= offset) {
      const l = lines[this.nextLine++];
      this.writer.append(l.file, this.origin + l.at, l.rest);
    }
    while (this.nextInjection < injections.length && injections[this.nextInjection].at <= offset) {
      this.inject(injections[this.nextInjection++]);
    }
    const full = this.fill(eventNow);
    const minerAlive = this.miner.alive;
    this.health.observe(this.sandbox.host, eventNow, { 'disk-full': full, miner: minerAlive });
  }

  stop(): void {
    this.miner.stop();
  }

  private inject(i: Injection): void {
    if (i.kind === 'miner') this.miner.start();
    if (i.kind === 'disk-fill' && this.filler) this.filling = true;
    if (i.kind !== 'disk-fill' || this.filler) this.started.push(i);
  }

  /** Writes dump chunks while a fill runs; when full, the app logs its failed writes to syslog. Returns "full". */
  private fill(eventNow: number): boolean {
    if (!this.filler) return false;
    if (this.filling) {
      for (let i = 0; i < 2 && this.filling; i++) {
        if (this.filler.usedPct() >= FULL_PCT || !this.filler.writeChunk()) this.filling = false;
      }
    }
    const full = this.filler.usedPct() >= FULL_PCT;
    if (full && eventNow - this.lastFullLog >= 30_000) {
      this.lastFullLog = eventNow;
      const msg = 'java.io.IOException: No space left on device (writing /var/log/app/current.log)';
      this.writer.append('syslog', eventNow, `${this.sandbox.host} java[4242]: ${msg}`);
    }
    return full;
  }
}
