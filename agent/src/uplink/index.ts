import { AGENT_VERSION } from '../config/host.ts';
import { ApprovalPoller } from './approvals.ts';
import { BundleUpdater } from './bundle-updater.ts';
import { ControlPlaneDestination } from './cp-destination.ts';
import { ControlPlaneHttp } from './http.ts';
import type { OutboundDeps } from './outbound.ts';
import { UplinkSession } from './session.ts';

export { KV as BUNDLE_KV } from './bundle-updater.ts';
export { type Delivery, type Destination, SpoolDrain } from './spool-drain.ts';

/** The uplink needs what the whole outbound side needs. */
export type UplinkDeps = OutboundDeps;

/** The control-plane side of the agent: session (enroll, heartbeat), spool destination, model updates, approvals. */
export interface Uplink {
  session: UplinkSession;
  destination: ControlPlaneDestination;
  updater: BundleUpdater | undefined;
  approvals: ApprovalPoller | undefined;
  stop(): void;
}

export async function startUplink(d: UplinkDeps): Promise<Uplink> {
  const cp = d.cfg.controlPlane!;
  const http = new ControlPlaneHttp(cp.url, cp.requestTimeoutMs, `vigil-agent/${AGENT_VERSION}`);
  const log = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) =>
    d.log.log(level, msg, fields);
  const onRequest = (route: string, status: string) => d.metrics.uplinkRequests.inc({ route, status });
  const session = new UplinkSession({
    http,
    kv: d.db.kv,
    credentialFile: d.cfg.paths.credential,
    enrollmentToken: cp.enrollmentToken,
    enrollmentTokenFile: cp.enrollmentTokenFile,
    inventory: () => ({
      ...d.host,
      hostname: d.host.hostname,
      agentVersion: AGENT_VERSION,
      ...(d.slot.current ? { modelVersion: d.slot.current.version.replace(/[^A-Za-z0-9.+_-]/g, '-') } : {}),
    }),
    counters: d.counters,
    backoff: cp.backoff,
    log,
    onRequest,
  });
  const destination = new ControlPlaneDestination(cp.batchItems, {
    http,
    credential: () => session.credential,
    onInvalidCredential: (err) => session.invalidate(err),
    onRequest,
  });
  const credential = () => session.credential;
  const updater =
    cp.bundlePollSeconds > 0
      ? new BundleUpdater({
          http,
          credential,
          keys: d.cfg.signingKeys,
          bundlesDir: d.cfg.paths.bundles,
          featureSchemaHash: d.featureSchemaHash,
          install: (dir) => d.slot.swapTo(dir),
          kv: d.db.kv,
          allowInsecureDownload: cp.allowInsecureHttp,
          log,
          onSwap: (result) => d.metrics.bundleSwaps.inc({ result }),
        })
      : undefined;
  const approvals =
    cp.pendingPollSeconds > 0
      ? new ApprovalPoller({ http, credential, responder: d.responder, record: d.record, kv: d.db.kv, log })
      : undefined;
  await session.start();
  updater?.start(cp.bundlePollSeconds);
  approvals?.start(cp.pendingPollSeconds);
  return {
    session,
    destination,
    updater,
    approvals,
    stop() {
      session.stop();
      updater?.stop();
      approvals?.stop();
    },
  };
}
