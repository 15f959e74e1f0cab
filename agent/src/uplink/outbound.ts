import type { HostIdentity } from '../config/host.ts';
import type { AgentConfig } from '../config/load.ts';
import type { AgentMetrics } from '../metrics/agent-metrics.ts';
import type { Logger } from '../metrics/log.ts';
import type { ModelSlot } from '../pipeline/model-slot.ts';
import type { AuditEntry, Responder } from '../respond/index.ts';
import type { CloudWatchShipper } from '../shipper/cloudwatch.ts';
import type { StateDb } from '../state/index.ts';
import type { Uplink } from './index.ts';
import type { Counters } from './session.ts';
import { type Destination, SpoolDrain } from './spool-drain.ts';

export interface OutboundDeps {
  cfg: AgentConfig;
  host: HostIdentity;
  db: StateDb;
  slot: ModelSlot;
  responder: Responder;
  record(entry: AuditEntry): void;
  counters(): Counters;
  featureSchemaHash: string;
  metrics: AgentMetrics;
  log: Logger;
}

/**
 * Everything that leaves the host: the control-plane link, the CloudWatch Logs shipper and the spool drain. The
 * uplink and the shipper are imported only when configured: the AWS SDK alone took ~50 ms and several MB to load
 * at every start, on hosts that do not ship to CloudWatch.
 */
export interface Outbound {
  uplink?: Uplink;
  shipper?: CloudWatchShipper;
  drain?: SpoolDrain;
  stop(): Promise<void>;
}

export async function startOutbound(d: OutboundDeps): Promise<Outbound> {
  const { cfg } = d;
  const out: Outbound = { stop: async () => {} };
  const destinations: Destination[] = [];
  if (cfg.controlPlane) {
    const { startUplink } = await import('./index.ts');
    out.uplink = await startUplink(d);
    destinations.push(out.uplink.destination);
  }
  const cw = cfg.shipper.cloudwatch;
  if (cw) {
    const { CloudWatchShipper, cloudWatchClient } = await import('../shipper/cloudwatch.ts');
    out.shipper = new CloudWatchShipper({
      logGroup: cw.logGroup,
      logStream: cw.logStream ?? d.host.hostname,
      createGroup: cw.createGroup,
      client: cloudWatchClient(cw.region, cw.endpoint),
      onSent: (ok, rejected) => {
        d.metrics.cloudwatchEvents.inc({ result: 'accepted' }, ok);
        d.metrics.cloudwatchEvents.inc({ result: 'rejected' }, rejected);
      },
    });
    destinations.push(out.shipper);
  }
  if (destinations.length > 0) {
    out.drain = new SpoolDrain(d.db.spool, destinations, {
      intervalMs: Math.min(cfg.controlPlane?.drainIntervalMs ?? Infinity, cw?.flushIntervalMs ?? Infinity),
      baseMs: cfg.controlPlane?.backoff.baseMs ?? 1000,
      capMs: cfg.controlPlane?.backoff.capMs ?? 300_000,
      deadLetterFile: cfg.paths.deadLetter,
      onDead: (item, reason) => {
        d.metrics.deadLettered.inc();
        d.log.error('spool item dead-lettered', {
          kind: item.kind,
          key: item.idempotencyKey,
          reason,
          file: cfg.paths.deadLetter,
        });
      },
      onError: (dest, error) => d.log.warn('delivery failed; will retry with backoff', { destination: dest, error }),
    });
    out.drain.start();
  }
  out.stop = async () => {
    out.uplink?.stop();
    await out.drain?.stop();
  };
  return out;
}
