/**
 * The replay's service-health model, per host: the host's app is down while its disk is full (writes fail) and while
 * a miner steals its CPU (the app misses its latency objective). Downtime is counted in event time, so runs at
 * different speeds compare. This is the model the uptime figures of `npm start -- --report` come from.
 */
export type Cause = 'disk-full' | 'miner';

export interface HostHealth {
  host: string;
  downtimeMs: number;
  byCause: Record<Cause, number>;
  outages: { cause: Cause; from: number; to: number | null }[];
}

export class HealthModel {
  readonly hosts = new Map<string, HostHealth>();
  private last = new Map<string, number>();

  observe(host: string, eventNow: number, down: Record<Cause, boolean>): void {
    let h = this.hosts.get(host);
    if (!h) {
      h = { host, downtimeMs: 0, byCause: { 'disk-full': 0, miner: 0 }, outages: [] };
      this.hosts.set(host, h);
    }
    const prev = this.last.get(host) ?? eventNow;
    this.last.set(host, eventNow);
    const dt = Math.max(0, eventNow - prev);
    const anyDown = down['disk-full'] || down.miner;
    if (anyDown) h.downtimeMs += dt;
    for (const cause of ['disk-full', 'miner'] as const) {
      if (down[cause]) h.byCause[cause] += dt;
      const open = h.outages.find((o) => o.cause === cause && o.to === null);
      if (down[cause] && !open) h.outages.push({ cause, from: eventNow, to: null });
      if (!down[cause] && open) open.to = eventNow;
    }
  }

  total(): number {
    let sum = 0;
    for (const h of this.hosts.values()) sum += h.downtimeMs;
    return sum;
  }
}
