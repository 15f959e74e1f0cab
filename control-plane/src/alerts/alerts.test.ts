import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../../test/localaws/local-aws.ts';
import { clientConfig } from '../../../test/localaws/testing.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { anomaly, type Harness, harness, T0 } from '../testing/harness.ts';
import type { AlertDispatcher } from './dispatcher.ts';
import { alertsPlugin } from './plugin.ts';

const backends = await dbBackends();
let server: Server;
let url: string;
const received: { text: string; blocks: unknown[] }[] = [];
let failNext = 0;
let aws: LocalAws;
let sns: SNSClient;
let topicArn: string;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end('boom');
        return;
      }
      received.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  aws = await startLocalAws({ services: ['sns'] });
  sns = new SNSClient({ ...clientConfig(aws), maxAttempts: 1 });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts' }))).TopicArn!;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await aws.close();
});

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe.each(backends)('alert delivery on $name', (backend) => {
  let h: Harness;
  let dispatcher: AlertDispatcher;
  beforeEach(async () => {
    received.length = 0;
    aws.state.sns.published.length = 0;
    const plugin = alertsPlugin(
      { webhookUrl: url, snsTopicArn: topicArn, groupWindowMs: 50, backoffBaseMs: 10, backoffMaxMs: 50 },
      { sns, onDispatcher: (d) => (dispatcher = d) },
    );
    h = await harness(backend, {}, { plugins: [plugin] });
  });
  afterEach(() => h.close());

  it('sends grouped alerts to a webhook (retrying a 500) and to SNS, without delaying the emitter', async () => {
    failNext = 1;
    const alert = {
      id: 'alr_1',
      kind: 'agent_stale',
      severity: 'medium' as const,
      subject: 'agt_x',
      message: 'web-1 silent for 180 s',
      details: {},
      raisedAt: T0,
      resolvedAt: null,
    };
    h.app.vigil.events.emit('alert.raised', alert);
    h.app.vigil.events.emit('alert.raised', { ...alert, id: 'alr_2' });
    h.app.vigil.events.emit('alert.raised', alert); // duplicate
    expect(received).toHaveLength(0);
    const webhook = `webhook:127.0.0.1:${new URL(url).port}`;
    // The stats count a send once its response is in, a moment after the receiver saw the body.
    await waitFor(
      () => received.length === 1 && aws.state.sns.published.length === 1 && dispatcher.stats.get(webhook)?.sent === 1,
    );
    expect(received[0].text).toMatch(/^\[MEDIUM\] agent_stale agt_x \(×2 in 50ms\): web-1 silent/);
    const published = aws.state.sns.published[0];
    expect(published.topicArn).toBe(topicArn);
    expect(published.subject).toMatch(/^Vigil \[MEDIUM\] agent_stale agt_x/);
    expect(JSON.parse(published.message)).toMatchObject({ count: 2, key: 'alert:agent_stale:agt_x' });
    expect(published.messageAttributes.severity.StringValue).toBe('medium');
    expect(dispatcher.stats.get(webhook)).toMatchObject({ sent: 1, retried: 1 });
    expect(dispatcher.deduplicated).toBe(1);
  });

  it('forwards ingested anomalies at or above the configured severity only', async () => {
    const agent = await h.enroll();
    const res = await h.call({
      method: 'POST',
      url: '/v1/agents/anomalies',
      token: agent.credential,
      payload: {
        anomalies: [
          anomaly('a-high'),
          anomaly('a-low', { severity: 'low', entity: { kind: 'ip', id: '198.51.100.9' } }),
        ],
      },
    });
    expect(res.json().accepted).toBe(2);
    await waitFor(() => received.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    expect(received[0].text).toContain('ssh_brute_force on ip 203.0.113.7');
  });
});
