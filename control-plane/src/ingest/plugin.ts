import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { FleetCorrelator } from '../detect/correlator.ts';
import { RegionRule } from '../detect/region-rule.ts';
import { AccountSpikeDetector } from '../forecast/account-spikes.ts';
import { accountSpikeOptions } from '../forecast/options.ts';
import { JobScheduler } from '../jobs.ts';
import { CloudWatchPuller, type PullStats } from './cloudwatch.ts';
import { type CloudIngestConfig, validateCloudIngestConfig } from './config.ts';
import { S3LogPuller, type S3PullStats } from './s3.ts';
import { cloudSink } from './sink.ts';

export interface CloudIngestDeps {
  /** A detector to share with the inference API; else one is loaded from config.bundleDir. */
  detector?: CloudDetector;
  /** Client overrides (tests point them at the local stand-ins). */
  logsClient?: CloudWatchLogsClient;
  s3Client?: S3Client;
  /**
   * Account-wide spike detection on the ingested event counts (forecast/): options (see forecast/options.ts; the
   * server passes accountSpikeOptionsFromEnv), or false to turn it off. Default: on, with default options.
   */
  accountSpikes?: unknown;
  /** Run the spike job on its timer (default true; tests call `spikes.run(now)` through onSpikes). */
  startJobs?: boolean;
  /** Receives the spike detector (tests, status). */
  onSpikes?: (d: AccountSpikeDetector) => void;
}

export interface CloudIngestRun {
  startedAt: number;
  finishedAt: number;
  cloudwatch?: PullStats;
  s3?: S3PullStats;
  error?: string;
}

/**
 * Cloud-log ingest as an area plugin: pulls CloudWatch Logs and S3-delivered logs every `intervalMs` (one run at a
 * time; a run finishes before shutdown completes), plus GET /v1/ingest/cloud (last run) and POST
 * /v1/ingest/cloud/run (admin: run now and return the stats).
 */
export function cloudIngestPlugin(config: unknown, deps: CloudIngestDeps = {}) {
  const cfg: CloudIngestConfig = validateCloudIngestConfig(config);
  return async function cloudIngest(app: FastifyInstance): Promise<void> {
    const { db, clock, events } = app.vigil;
    const detector = deps.detector ?? (await CloudDetector.load({ bundleDir: cfg.bundleDir, clock }));
    const client = { region: cfg.region, ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}) };
    const logs = cfg.cloudwatch ? (deps.logsClient ?? new CloudWatchLogsClient(client)) : undefined;
    const s3 = cfg.s3
      ? (deps.s3Client ?? new S3Client({ ...client, forcePathStyle: Boolean(cfg.endpoint) }))
      : undefined;
    const emitIncidents = (ids: string[]) => {
      for (const id of ids) events.emit('incident.changed', { id, status: null, by: null });
    };
    const correlator = new FleetCorrelator(db);
    const spikeOptions = deps.accountSpikes === false ? undefined : accountSpikeOptions(deps.accountSpikes ?? {});
    const spikes =
      spikeOptions?.enabled === true
        ? await AccountSpikeDetector.create(db, spikeOptions, {
            correlator,
            onIncidents: emitIncidents,
            log: (msg) => app.log.warn(msg),
          })
        : undefined;
    if (spikes) deps.onSpikes?.(spikes);
    const jobs = new JobScheduler(spikes ? [spikes.job(clock)] : [], (job, err) =>
      app.log.error({ err, job }, 'job failed'),
    );
    const sink = cloudSink(detector, correlator, new RegionRule(db), clock, emitIncidents, spikes?.tally);
    const cw = logs && cfg.cloudwatch ? new CloudWatchPuller(logs, db, sink, { ...cfg.cloudwatch, clock }) : undefined;
    const s3p = s3 && cfg.s3 ? new S3LogPuller(s3, db, sink, { ...cfg.s3, clock }) : undefined;

    let last: CloudIngestRun | null = null;
    let running: Promise<CloudIngestRun> | null = null;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;

    const runOnce = (): Promise<CloudIngestRun> => {
      running ??= (async () => {
        const run: CloudIngestRun = { startedAt: clock(), finishedAt: 0 };
        try {
          if (cw) run.cloudwatch = await cw.pullOnce();
          if (s3p) run.s3 = await s3p.pullOnce();
        } catch (err) {
          run.error = (err as Error).message;
          app.log.error({ err }, 'cloud ingest run failed; it resumes from its checkpoints next run');
        }
        run.finishedAt = clock();
        last = run;
        return run;
      })().finally(() => {
        running = null;
      });
      return running;
    };
    const schedule = () => {
      if (!stopped) timer = setTimeout(() => void runOnce().finally(schedule), cfg.intervalMs);
    };

    app.addHook('onReady', async () => {
      schedule();
      if (deps.startJobs !== false) jobs.start();
    });
    app.addHook('onClose', async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await jobs.stop();
      logs?.destroy();
      s3?.destroy();
      if (!deps.detector) await detector.close();
    });

    app.get(
      '/v1/ingest/cloud',
      { config: { auth: 'viewer' }, schema: { tags: ['ingest'], summary: 'Last cloud ingest run' } },
      async () => ({
        last,
        running: running !== null,
        accountSpikes: spikes
          ? { last: spikes.last, counted: spikes.tally.counted, dropped: spikes.tally.dropped }
          : null,
      }),
    );
    app.post(
      '/v1/ingest/cloud/run',
      {
        config: { auth: 'admin', audit: 'ingest.cloud.run' },
        schema: { tags: ['ingest'], summary: 'Run cloud ingest now and wait for it' },
      },
      async () => runOnce(),
    );
  };
}
