/** vigil-agent's public surface: the daemon, its config, the pipeline parts, replay, status and the outbound links. */

export { BundleScorer, type RowScore, severityOf } from '../../models/src/onnx/row-scorer.ts';
export { main as cli } from './cli/main.ts';
export { AGENT_VERSION, type HostIdentity, hostIdentity } from './config/host.ts';
export { type AgentConfig, loadAgentConfig, parseAgentConfig, validateAgentConfig } from './config/load.ts';
export { AgentConfigSchema } from './config/schema.ts';
export { Daemon, type DaemonOptions } from './daemon.ts';
export { AgentMetrics } from './metrics/agent-metrics.ts';
export { createLogger } from './metrics/log.ts';
export { AnomalyDedupe, buildAnomaly } from './pipeline/anomalies.ts';
export { ModelSlot, type SwapResult } from './pipeline/model-slot.ts';
export { Outbox, SPOOL_KIND } from './pipeline/outbox.ts';
export { Pipeline, type PipelineDeps, type PipelineOptions, type PipelineStats } from './pipeline/pipeline.ts';
export { type ReplayOptions, type ReplayReport, replay, type WouldDo } from './pipeline/replay.ts';
export { CW_LIMITS, planBatches } from './shipper/batch.ts';
export { CloudWatchShipper, cloudWatchClient } from './shipper/cloudwatch.ts';
export { DaemonNotRunningError, statusRequest } from './status/client.ts';
export { printable, safeJson } from './status/escape.ts';
export type { ActionSummary, StatusReport } from './status/report.ts';
export { BundleUpdater } from './uplink/bundle-updater.ts';
export { ControlPlaneDestination } from './uplink/cp-destination.ts';
export { ControlPlaneError, ControlPlaneHttp } from './uplink/http.ts';
export { UplinkSession } from './uplink/session.ts';
export { type Delivery, type Destination, SpoolDrain } from './uplink/spool-drain.ts';
