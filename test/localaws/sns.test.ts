import {
  CreateTopicCommand,
  ListTopicsCommand,
  PublishCommand,
  SNSClient,
  type SNSServiceException,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from './local-aws.ts';
import type { PublishedMessage } from './sns/state.ts';
import { clientConfig } from './testing.ts';

let aws: LocalAws;
let sns: SNSClient;

beforeAll(async () => {
  aws = await startLocalAws({ services: ['sns'] });
  sns = new SNSClient({ ...clientConfig(aws), maxAttempts: 1 });
});
afterAll(async () => {
  sns.destroy();
  await aws.close();
});

async function rejection(p: Promise<unknown>): Promise<SNSServiceException> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: SNSServiceException) => err,
  );
}

describe('SNS', () => {
  it('creates topics idempotently and lists them', async () => {
    const a = await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts', Tags: [{ Key: 'team', Value: 'sec' }] }));
    const b = await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts' }));
    expect(a.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:vigil-alerts');
    expect(b.TopicArn).toBe(a.TopicArn);
    const listed = await sns.send(new ListTopicsCommand({}));
    expect(listed.Topics!.map((t) => t.TopicArn)).toContain(a.TopicArn);
    const bad = await rejection(sns.send(new CreateTopicCommand({ Name: 'bad name!' })));
    expect(bad.name).toBe('InvalidParameterException');
  });

  it('publishes with subject and attributes, recorded for assertions and listeners', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts' }));
    const heard: PublishedMessage[] = [];
    const stop = aws.state.sns.onPublish((m) => heard.push(m));
    const out = await sns.send(
      new PublishCommand({
        TopicArn,
        Subject: 'Vigil: ssh brute force on web-1',
        Message: JSON.stringify({ severity: 'high', host: 'web-1' }),
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'high' },
          score: { DataType: 'Number', StringValue: '0.97' },
        },
      }),
    );
    stop();
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const last = aws.state.sns.published.at(-1)!;
    expect(last).toMatchObject({
      messageId: out.MessageId,
      topicArn: TopicArn,
      subject: 'Vigil: ssh brute force on web-1',
    });
    expect(JSON.parse(last.message)).toEqual({ severity: 'high', host: 'web-1' });
    expect(last.messageAttributes.score).toEqual({ DataType: 'Number', StringValue: '0.97', BinaryValue: undefined });
    expect(heard.map((m) => m.messageId)).toEqual([out.MessageId]);
  });

  it('refuses what SNS refuses: missing topic, oversize message, bad subject, FIFO without group', async () => {
    const missing = await rejection(
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' })),
    );
    expect(missing.name).toBe('NotFoundException');
    expect(missing.$metadata.httpStatusCode).toBe(404);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts' }));
    const big = await rejection(sns.send(new PublishCommand({ TopicArn, Message: 'x'.repeat(262_145) })));
    expect(big.name).toBe('InvalidParameterException');
    const subject = await rejection(sns.send(new PublishCommand({ TopicArn, Message: 'x', Subject: 'line\nbreak' })));
    expect(subject.name).toBe('InvalidParameterException');
    const fifo = await sns.send(new CreateTopicCommand({ Name: 'vigil.fifo', Attributes: { FifoTopic: 'true' } }));
    const noGroup = await rejection(
      sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'x', MessageDeduplicationId: 'd1' })),
    );
    expect(noGroup.message).toMatch(/MessageGroupId/);
    const ok = await sns.send(
      new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }),
    );
    expect(ok.SequenceNumber).toMatch(/^\d+$/);
  });
});
