import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type AlertMessage, slackBody, summaryLine } from './message.ts';

export interface Destination {
  name: string;
  send(m: AlertMessage): Promise<void>;
}

/** A delivery failure; `retryAfterMs` when the receiver said when to come back (HTTP 429 Retry-After). */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** POSTs Slack-compatible JSON `{text, blocks}`; any non-2xx is a failure to retry. Never follows redirects. */
export function webhookDestination(url: string, timeoutMs = 10_000): Destination {
  const u = new URL(url);
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new Error(`alerts webhookUrl must be http(s): ${u.protocol}`);
  return {
    name: `webhook:${u.host}`,
    async send(m) {
      const res = await fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackBody(m)),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) {
        const after = Number(res.headers.get('retry-after'));
        throw new DeliveryError(
          `webhook answered HTTP ${res.status}`,
          Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
        );
      }
    },
  };
}

const subjectOf = (m: AlertMessage) =>
  // SNS subjects: printable ASCII, ≤ 100 characters.
  `Vigil ${summaryLine(m)}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);

/** Publishes to an SNS topic: subject line, JSON body, severity and key as message attributes for filtering. */
export function snsDestination(client: SNSClient, topicArn: string): Destination {
  return {
    name: `sns:${topicArn}`,
    async send(m) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: subjectOf(m),
          Message: JSON.stringify({
            severity: m.notice.severity,
            title: m.notice.title,
            text: m.notice.text,
            key: m.notice.key,
            count: m.count,
            windowMs: m.windowMs,
            suppressed: m.suppressed,
            at: m.notice.at,
          }),
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: m.notice.severity },
            key: { DataType: 'String', StringValue: m.notice.key.slice(0, 256) },
          },
        }),
      );
    },
  };
}
