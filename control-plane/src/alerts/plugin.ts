import type { SNSClient } from '@aws-sdk/client-sns';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import { compileValidator } from '../../../models/src/schema/validate.ts';
import { type Destination, snsDestination, webhookDestination } from './destinations.ts';
import { AlertDispatcher } from './dispatcher.ts';
import { subscribeAlertSources } from './sources.ts';

const severity = (def: string) =>
  Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')], {
    default: def,
  });
const Int = (minimum: number, maximum: number, def: number) => Type.Integer({ minimum, maximum, default: def });

export const AlertsOptionsSchema = Type.Object(
  {
    webhookUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Slack-compatible webhook' })),
    snsTopicArn: Type.Optional(
      Type.String({ pattern: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$' }),
    ),
    minAlertSeverity: severity('low'),
    minAnomalySeverity: severity('high'),
    /** Incidents opened (or escalated) at or above this severity raise an alert. */
    minIncidentSeverity: severity('high'),
    groupWindowMs: Int(0, 3_600_000, 30_000),
    dedupWindowMs: Int(0, 7 * 86_400_000, 3_600_000),
    perMinute: Int(1, 10_000, 20),
    maxAttempts: Int(1, 20, 5),
    backoffBaseMs: Int(1, 600_000, 1000),
    backoffMaxMs: Int(1, 3_600_000, 60_000),
    maxKeys: Int(10, 1_000_000, 10_000),
  },
  { additionalProperties: false },
);
export type AlertsOptions = Static<typeof AlertsOptionsSchema>;
const check = compileValidator(AlertsOptionsSchema);

export function alertsOptions(input: unknown = {}): AlertsOptions {
  return check(Value.Default(AlertsOptionsSchema, structuredClone(input)), 'alerts options');
}

/**
 * VIGIL_ALERT_WEBHOOK_URL, VIGIL_ALERT_SNS_TOPIC_ARN, VIGIL_ALERT_MIN_ANOMALY_SEVERITY,
 * VIGIL_ALERT_MIN_INCIDENT_SEVERITY, VIGIL_ALERT_PER_MINUTE.
 */
export function alertsOptionsFromEnv(env: NodeJS.ProcessEnv): AlertsOptions {
  const pick: Record<string, unknown> = {
    webhookUrl: env.VIGIL_ALERT_WEBHOOK_URL,
    snsTopicArn: env.VIGIL_ALERT_SNS_TOPIC_ARN,
    minAnomalySeverity: env.VIGIL_ALERT_MIN_ANOMALY_SEVERITY,
    minIncidentSeverity: env.VIGIL_ALERT_MIN_INCIDENT_SEVERITY,
    perMinute: env.VIGIL_ALERT_PER_MINUTE === undefined ? undefined : Number(env.VIGIL_ALERT_PER_MINUTE),
  };
  return alertsOptions(Object.fromEntries(Object.entries(pick).filter(([, v]) => v !== undefined)));
}

export interface AlertsPluginDeps {
  sns?: SNSClient;
  /** Destinations beyond the configured webhook/SNS (tests record with one; a deployment could add a pager). */
  destinations?: Destination[];
  /** Receives the dispatcher (tests read its stats; the console could too). */
  onDispatcher?: (d: AlertDispatcher) => void;
}

/** Alert delivery: webhook and/or SNS. Wire with `plugins: [alertsPlugin(alertsOptionsFromEnv(process.env), {sns})]`. */
export function alertsPlugin(input: Partial<AlertsOptions> = {}, deps: AlertsPluginDeps = {}) {
  const opts = alertsOptions(input);
  if (opts.snsTopicArn && !deps.sns) throw new Error('alerts options: snsTopicArn is set but no SNS client was given');
  return async (app: FastifyInstance): Promise<void> => {
    const destinations: Destination[] = [...(deps.destinations ?? [])];
    if (opts.webhookUrl) destinations.push(webhookDestination(opts.webhookUrl));
    if (opts.snsTopicArn && deps.sns) destinations.push(snsDestination(deps.sns, opts.snsTopicArn));
    const dispatcher = new AlertDispatcher(destinations, opts, app.vigil.clock, (msg, detail) =>
      app.log.warn(detail, msg),
    );
    deps.onDispatcher?.(dispatcher);
    const unsubscribe = subscribeAlertSources(app.vigil, dispatcher, opts);
    // Whichever onClose runs first, the core one drains events before closing the database, and this one waits for
    // in-flight anomaly lookups before the final flush, so nothing queued at shutdown is lost.
    app.addHook('onClose', async () => {
      await app.vigil.events.drain();
      unsubscribe();
      await dispatcher.close();
    });
  };
}
