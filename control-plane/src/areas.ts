import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { FastifyInstance } from 'fastify';
import { actionsPlugin } from './actions/plugin.ts';
import { alertsOptionsFromEnv, alertsPlugin } from './alerts/plugin.ts';
import { analyticsPlugin } from './analytics/plugin.ts';
import type { Config } from './config/schema.ts';
import { consolePlugin } from './console/plugin.ts';
import { incidentsPlugin } from './detect/incidents-plugin.ts';
import { accountSpikeOptionsFromEnv } from './forecast/options.ts';
import { cloudIngestConfigFromEnv } from './ingest/config.ts';
import { cloudIngestPlugin } from './ingest/plugin.ts';
import { registryOptionsFromEnv } from './registry/options.ts';
import { registryPlugin } from './registry/plugin.ts';
import { scorePlugin } from './score/plugin.ts';

type Area = (app: FastifyInstance) => Promise<void>;

/**
 * The areas a served control plane runs beyond the core routes. AWS clients are created only when their feature is
 * configured (SSM delivery of approved actions, SNS alerts); they use the SDK's default credential chain.
 */
export function defaultAreas(config: Config, env: NodeJS.ProcessEnv = process.env): Area[] {
  const alerts = alertsOptionsFromEnv(env);
  const cloud = cloudIngestConfigFromEnv(env); // VIGIL_CLOUD_INGEST (JSON); absent = no cloud pulling
  return [
    scorePlugin(),
    incidentsPlugin(),
    ...(cloud ? [cloudIngestPlugin(cloud, { accountSpikes: accountSpikeOptionsFromEnv(env) })] : []),
    registryPlugin(registryOptionsFromEnv(env, config.dataDir)),
    actionsPlugin({}, env.VIGIL_ACTIONS_SSM === '1' ? { ssm: new SSMClient({}) } : {}),
    alertsPlugin(alerts, alerts.snsTopicArn ? { sns: new SNSClient({}) } : {}),
    analyticsPlugin(),
    consolePlugin(),
  ];
}
