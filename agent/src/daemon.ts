import { existsSync } from 'node:fs';
import { FeatureEngine } from '../../models/src/features/engine.ts';
import type { Anomaly } from '../../models/src/schema/index.ts';
import { type Clock, createClock } from './config/clock.ts';
import { AGENT_VERSION, type HostIdentity, hostIdentity } from './config/host.ts';
import type { AgentConfig } from './config/load.ts';
import { sourceConfigs } from './config/sources.ts';
import { AgentMetrics } from './metrics/agent-metrics.ts';
import { attachGauges } from './metrics/gauges.ts';
import { createLogger, type Logger, RateLimitedLog } from './metrics/log.ts';
import { MetricsServer } from './metrics/server.ts';
import { ModelSlot } from './pipeline/model-slot.ts';
import { Outbox } from './pipeline/outbox.ts';
import { Pipeline, type PipelineDeps } from './pipeline/pipeline.ts';
import { Recent, RespondQueue } from './pipeline/respond-queue.ts';
import {
  type AuditEntry,
  BlockLedger,
  type BlockRecord,
  createPlaybooks,
  type PlaybookDeps,
  type PlaybookSet,
  Responder,
} from './respond/index.ts';
import { createSources } from './sources/index.ts';
import type { Source } from './sources/source.ts';
import { StateDb } from './state/index.ts';
import { ActionLog } from './status/action-log.ts';
import { daemonStatus } from './status/daemon-status.ts';
import { actionsFromAudit, statusHandlers } from './status/handlers.ts';
import type { ActionSummary, StatusReport } from './status/report.ts';
import { StatusServer } from './status/server.ts';
import { KV as BUNDLE_KV } from './uplink/bundle-kv.ts';
import { type Outbound, startOutbound } from './uplink/outbound.ts';

export interface DaemonOptions {
  log?: Logger;
  /** Test seams for the playbooks (a dry-run firewall runner, a fake /proc). */
  playbookDeps?: PlaybookDeps;
  /** Extra sources started with the configured ones. */
  extraSources?: Source[];
  onDecided?: PipelineDeps['onDecided'];
  onAudit?(entry: AuditEntry): void;
}

const BLOCKS_KEY = 'respond.blocks';

/** The vigil-agent daemon: every part wired together, started in dependency order and stopped in reverse. */
export class Daemon {
  readonly metrics = new AgentMetrics();
  readonly log: Logger;
  readonly host: HostIdentity;
  readonly startedAt = Date.now();
  private readonly db: StateDb;
  private readonly engine: FeatureEngine;
  /** Event time (wall clock unless `clock.speed` accelerates a replay). */
  private readonly eventClock: Clock;
  private readonly slot: ModelSlot;
  private readonly outbox: Outbox;
  private readonly pipeline: Pipeline;
  private readonly sources: Source[] = [];
  private readonly actions = new ActionLog();
  private readonly recentAnomalies = new Recent<StatusReport['anomalies']['recent'][number]>(20);
  private readonly recentRejected = new Recent<StatusReport['pipeline']['recentRejected'][number]>(20);
  private readonly ledger = new BlockLedger();
  private playbooks: PlaybookSet | undefined;
  private responder: Responder | undefined;
  private respondQueue: RespondQueue | undefined;
  private status: StatusServer | undefined;
  private metricsServer: MetricsServer | undefined;
  private outbound: Outbound | undefined;
  private stopping: Promise<void> | undefined;
  metricsPort: number | undefined;

  private constructor(
    readonly cfg: AgentConfig,
    private readonly opts: DaemonOptions,
  ) {
    this.log = opts.log ?? createLogger(cfg.logging.level);
    this.host = hostIdentity(cfg);
    this.eventClock = createClock(cfg.clock);
    this.db = StateDb.open(cfg.paths.stateDb, {
      spool: { maxItems: cfg.limits.spoolItems, maxBytes: cfg.limits.spoolBytes },
    });
    this.engine = new FeatureEngine({ maxEntities: cfg.limits.maxEntities });
    if (this.host.instanceType) this.engine.setHostContext(this.host.hostname, this.host.instanceType);
    this.slot = new ModelSlot(
      { expectedFeatureHash: this.engine.schema.hash },
      {
        swapped: (to, from) =>
          this.log.info('model bundle loaded', {
            version: to.version,
            dir: to.dir,
            previous: from?.version,
            models: to.roles,
          }),
        failed: (dir, error) => this.log.error('model bundle failed to load; keeping the running one', { dir, error }),
      },
    );
    const cw = cfg.shipper.cloudwatch;
    this.outbox = new Outbox(
      this.db,
      {
        controlPlane: !!cfg.controlPlane,
        cloudwatchAnomalies: !!cw?.ship.includes('anomalies'),
        cloudwatchAudit: !!cw?.ship.includes('audit'),
      },
      {
        spoolFull: (err) => {
          this.metrics.spoolFull.inc();
          this.log.error('SPOOL FULL: decisions are not acknowledged until the spool drains (tailing pauses)', {
            error: err.message,
          });
        },
        audited: (entry) => this.onAudited(entry),
      },
    );
    this.pipeline = this.createPipeline();
  }

  static async start(cfg: AgentConfig, opts: DaemonOptions = {}): Promise<Daemon> {
    const d = new Daemon(cfg, opts);
    try {
      await d.startParts();
    } catch (err) {
      await d.stop().catch(() => undefined);
      throw err;
    }
    return d;
  }

  private createPipeline(): Pipeline {
    const rejectedLog = new RateLimitedLog(this.log, 20);
    const issueLog = new RateLimitedLog(this.log, 20);
    const maxHeldBatches = Math.max(1, Math.floor(this.cfg.limits.queueBatches / 2));
    return new Pipeline(
      { host: this.host.hostname, ...this.cfg.pipeline, maxHeldBatches },
      {
        engine: this.engine,
        slot: this.slot,
        metrics: this.metrics,
        commit: (anomalies, batches) => this.outbox.commit(anomalies, batches),
        onAnomalies: (list) => this.onAnomalies(list),
        onRejected: (r) => {
          this.recentRejected.add({ file: r.file, line: r.line, code: r.code, message: r.message });
          rejectedLog.warn('line rejected by the parser', {
            file: r.file,
            line: r.line,
            code: r.code,
            reason: r.message,
          });
        },
        onIssue: (i) => issueLog.warn('source issue', { ...i }),
        onCommitError: (err) => this.log.error('decision not committed; batches stay unacked', { error: err.message }),
        onDecided: this.opts.onDecided,
        caughtUp: () => this.sources.every((s) => !s.stats().counters.lagBytes),
        eventNow: this.eventClock,
      },
    );
  }

  private async startParts(): Promise<void> {
    const cfg = this.cfg;
    // The firewall backend probe (`nft list tables` in a child process) runs while ONNX Runtime loads the bundle;
    // both are awaited before anything is logged, so the startup log reads as before.
    // A rejection is held as a value until then (a bare pending rejection would be reported as unhandled).
    const playbooks = this.createPlaybooks().then(
      (set) => ({ set }),
      (error: unknown) => ({ error }),
    );
    const loaded = await this.slot.loadFirst(this.bundleCandidates()).catch(async (err) => {
      await playbooks;
      throw err;
    });
    for (const f of loaded.failures) this.log.error('bundle rejected at startup, rolled back to the next candidate', f);
    this.metrics.bundleSwaps.inc({ result: 'installed' });
    const made = await playbooks;
    if ('error' in made) throw made.error;
    const responder = this.startResponder(made.set);
    attachGauges(this.metrics.registry, {
      pipeline: this.pipeline,
      sources: this.sources,
      db: this.db,
      slot: this.slot,
      engine: this.engine,
    });
    this.pipeline.start();
    this.sources.push(
      ...createSources(sourceConfigs(cfg), {
        checkpoints: this.db.checkpoints,
        host: this.host.hostname,
        eventNow: this.eventClock,
      }),
    );
    this.sources.push(...(this.opts.extraSources ?? []));
    for (const s of this.sources) await s.start(this.pipeline);
    const handlers = statusHandlers({
      status: () => this.statusReport(),
      db: this.db,
      responder: () => this.responder,
    });
    this.status = new StatusServer(cfg.status.socket, handlers, (msg, err) =>
      this.log.warn(msg, { error: String(err) }),
    );
    await this.status.start();
    if (cfg.metrics.enabled) {
      this.metricsServer = new MetricsServer(this.metrics.registry, cfg.metrics.listen);
      this.metricsPort = (await this.metricsServer.start()).port;
    }
    this.outbound = await startOutbound({
      cfg,
      host: this.host,
      db: this.db,
      slot: this.slot,
      responder,
      record: (e) => this.outbox.record(e),
      counters: () => {
        const s = this.pipeline.stats();
        return {
          lines: s.lines,
          anomalies: s.anomalies,
          actions: this.actions.total,
          spoolDepth: this.db.spool.stats().count,
        };
      },
      featureSchemaHash: this.engine.schema.hash,
      metrics: this.metrics,
      log: this.log,
    });
    this.log.info('vigil-agent started', {
      version: AGENT_VERSION,
      host: this.host.hostname,
      bundle: this.slot.current?.version,
      socket: cfg.status.socket,
      metricsPort: this.metricsPort,
    });
  }

  private createPlaybooks(): Promise<PlaybookSet> {
    this.ledger.restore(this.db.kv.getJson<BlockRecord[]>(BLOCKS_KEY) ?? []);
    const deps = this.opts.playbookDeps;
    return createPlaybooks(this.cfg.policy, { ...deps, block: { ...deps?.block, ledger: this.ledger } });
  }

  private startResponder(playbooks: PlaybookSet): Responder {
    this.playbooks = playbooks;
    for (const note of this.playbooks.notes) this.log.info('responder', { note, policy: this.cfg.policySource });
    const responder = new Responder({
      policy: this.cfg.policy,
      playbooks: this.playbooks.playbooks,
      audit: this.outbox,
    });
    this.responder = responder;
    this.respondQueue = new RespondQueue({
      handle: (a) => responder.handle(a),
      onError: (a, err) => this.log.error('responder failed', { anomalyId: a.id, error: err.message }),
      onOverflow: (a) => {
        this.metrics.responderBacklogFull.inc();
        this.log.error('responder backlog full: anomaly spooled but no playbook ran', { anomalyId: a.id });
      },
    });
    return responder;
  }

  /** Installed update, the one before it, then the shipped bundle: a bundle that fails to load is skipped. */
  private bundleCandidates(): string[] {
    const kv = this.db.kv;
    const dirs = [kv.get(BUNDLE_KV.current), kv.get(BUNDLE_KV.previous), this.cfg.models.bundleDir];
    return [...new Set(dirs.filter((d): d is string => !!d && (d === this.cfg.models.bundleDir || existsSync(d))))];
  }

  private onAnomalies(list: Anomaly[]): void {
    for (const a of list) {
      const entity = `${a.entity.kind}:${a.entity.id}`;
      this.recentAnomalies.add({
        id: a.id,
        type: a.type,
        entity,
        score: a.score,
        severity: a.severity,
        detectedAt: a.detectedAt,
      });
      this.log.warn('anomaly', {
        id: a.id,
        type: a.type,
        entity: a.entity,
        score: a.score,
        severity: a.severity,
        window: a.window,
        targets: a.evidence.targets,
      });
    }
    this.respondQueue?.push(list);
  }

  private onAudited(entry: AuditEntry): void {
    this.actions.record(entry);
    this.metrics.actions.inc({ playbook: entry.playbook, decision: entry.decision, result: entry.result });
    if (entry.playbook === 'block-ip') this.db.kv.setJson(BLOCKS_KEY, this.ledger.snapshot());
    this.log.info('action', {
      id: entry.id,
      playbook: entry.playbook,
      decision: entry.decision,
      result: entry.result,
      dryRun: entry.dryRun,
      target: entry.target,
      why: entry.why,
    });
    this.opts.onAudit?.(entry);
  }

  /** Action records from the audit log, newest last. */
  actionsList(limit: number): ActionSummary[] {
    return actionsFromAudit(this.db, limit);
  }

  statusReport(): StatusReport {
    return daemonStatus({
      cfg: this.cfg,
      host: this.host,
      startedAt: this.startedAt,
      sources: this.sources,
      pipeline: this.pipeline,
      slot: this.slot,
      db: this.db,
      outbound: this.outbound,
      actions: this.actions,
      ledger: this.ledger,
      responder: this.responder,
      playbooks: this.playbooks,
      recentAnomalies: this.recentAnomalies,
      recentRejected: this.recentRejected,
    });
  }

  /** Stops reading, decides and acks what was read, lets the responder finish, then closes everything. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const s of this.sources)
        await s.stop().catch((err) => this.log.error('source stop failed', { error: String(err) }));
      await this.pipeline.stop();
      await this.respondQueue?.idle();
      await this.outbound?.stop();
      await this.status?.stop();
      await this.metricsServer?.stop();
      await this.slot.close();
      this.db.close();
      this.log.info('vigil-agent stopped');
    })();
    return this.stopping;
  }
}
