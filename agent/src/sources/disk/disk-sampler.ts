import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { LogEvent } from '../../../../models/src/schema/index.ts';
import { type Mount, mountOf, readMounts } from './mounts.ts';

export interface DiskSamplerOptions {
  host?: string;
  paths?: string[];
  fsTypes: string[];
  mountsFile: string;
}

export interface DiskRecord {
  ts: number;
  host: string;
  mount: string;
  fs: string;
  sizeBytes: number;
  usedBytes: number;
  /** Change of usedBytes per second since the previous sample of this mount; absent on the first. */
  growthBytesPerSec?: number;
}

export function diskEvent(r: DiskRecord): LogEvent {
  const raw = JSON.stringify({
    ts: new Date(r.ts).toISOString(),
    host: r.host,
    mount: r.mount,
    fs: r.fs,
    sizeBytes: r.sizeBytes,
    usedBytes: r.usedBytes,
    ...(r.growthBytesPerSec === undefined ? {} : { growthBytesPerSec: r.growthBytesPerSec }),
  });
  const usedPct = r.sizeBytes > 0 ? Math.round((r.usedBytes / r.sizeBytes) * 10000) / 100 : 0;
  return {
    ts: r.ts,
    source: 'ec2.disk',
    host: r.host,
    action: 'disk.sample',
    outcome: 'unknown',
    resource: r.mount,
    bytes: r.usedBytes,
    attrs: {
      sizeBytes: r.sizeBytes,
      usedPct,
      fs: r.fs,
      ...(r.growthBytesPerSec === undefined ? {} : { growthBytesPerSec: r.growthBytesPerSec }),
    },
    raw,
  };
}

/**
 * Disk usage per mount with statfs(2) directly: si.fsSize() spawns `df` (~11 ms here) where statfs takes
 * microseconds. Used = blocks - free (as df), so root-reserved blocks count as used.
 */
export class DiskSampler {
  private readonly last = new Map<string, { used: number; ts: number }>();
  private readonly host: string;
  readonly counters = { samples: 0, mounts: 0, errors: 0 };

  constructor(private readonly opts: DiskSamplerOptions) {
    this.host = opts.host ?? hostname();
  }

  /** What to sample: the configured paths, or one mount point per real (non-pseudo) device. */
  targets(): { path: string; fs: string }[] {
    const mounts = readMounts(this.opts.mountsFile);
    if (this.opts.paths) {
      return this.opts.paths.map((p) => ({ path: p, fs: mountOf(mounts, p)?.device ?? 'unknown' }));
    }
    const seen = new Set<string>();
    const out: { path: string; fs: string }[] = [];
    for (const m of mounts as Mount[]) {
      if (!this.opts.fsTypes.includes(m.fsType) || seen.has(m.device)) continue;
      seen.add(m.device);
      out.push({ path: m.mountPoint, fs: m.device });
    }
    return out;
  }

  async sample(now = Date.now()): Promise<LogEvent[]> {
    const events: LogEvent[] = [];
    for (const t of this.targets()) {
      let st: Awaited<ReturnType<typeof statfs>>;
      try {
        st = await statfs(t.path);
      } catch {
        this.counters.errors++; // unmounted or unreadable: absent this round, counted
        continue;
      }
      const sizeBytes = st.blocks * st.bsize;
      const usedBytes = (st.blocks - st.bfree) * st.bsize;
      const prev = this.last.get(t.path);
      this.last.set(t.path, { used: usedBytes, ts: now });
      const dt = prev ? (now - prev.ts) / 1000 : 0;
      const growth = prev && dt > 0 ? Math.round(((usedBytes - prev.used) / dt) * 10) / 10 : undefined;
      events.push(
        diskEvent({
          ts: now,
          host: this.host,
          mount: t.path,
          fs: t.fs,
          sizeBytes,
          usedBytes,
          growthBytesPerSec: growth,
        }),
      );
    }
    this.counters.samples++;
    this.counters.mounts = events.length;
    return events;
  }
}
