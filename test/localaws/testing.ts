import type { LocalAws } from './local-aws.ts';

/**
 * The client settings every test and the demo use with the stand-ins: the real SDK clients, pointed at the
 * local endpoint with static fake credentials. S3 clients also need `forcePathStyle: true`.
 */
export function clientConfig(aws: Pick<LocalAws, 'endpoint'>, region = 'us-east-1') {
  return {
    endpoint: aws.endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}
