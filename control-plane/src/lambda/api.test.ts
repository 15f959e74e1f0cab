import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords, vpcPortScan } from '../detect/test-data.ts';
import { scorePlugin } from '../score/plugin.ts';
import { type Harness, harness } from '../testing/harness.ts';
import { createApiHandler } from './api.ts';

const [pglite] = await dbBackends();
let h: Harness;
let detector: CloudDetector;
let proxy: ReturnType<typeof createApiHandler>;
let token: string;

beforeAll(async () => {
  detector = await CloudDetector.load();
  h = await harness(pglite, {}, { plugins: [scorePlugin({ shared: detector })] });
  proxy = createApiHandler(h.app);
  token = await h.token('viewer');
});
afterAll(async () => {
  await h?.close();
  await detector?.close();
});

const lambdaContext = {
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  functionName: 'vigil-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:vigil-api',
  memoryLimitInMB: '1024',
  logGroupName: '/aws/lambda/vigil-api',
  logStreamName: '2025/03/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 29_000,
};

/** API Gateway REST API (payload format 1.0) proxy event, as in the AWS documentation's example. */
function restEvent(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const allHeaders = {
    Host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'X-Forwarded-For': '198.51.100.1',
    'X-Forwarded-Proto': 'https',
    ...headers,
  };
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: allHeaders,
    multiValueHeaders: Object.fromEntries(Object.entries(allHeaders).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      resourceId: 'xyz789',
      resourcePath: '/{proxy+}',
      httpMethod: method,
      path: `/prod${path}`,
      stage: 'prod',
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '01/Mar/2025:00:00:00 +0000',
      requestTimeEpoch: 1740787200000,
      identity: { sourceIp: '198.51.100.1', userAgent: 'curl/8.5.0' },
    },
    body: body ?? null,
    isBase64Encoded: false,
  };
}

/** API Gateway HTTP API (payload format 2.0) event. */
function httpApiEvent(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'x-forwarded-for': '198.51.100.1', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: '$default',
      stage: '$default',
      time: '01/Mar/2025:00:00:00 +0000',
      timeEpoch: 1740787200000,
    },
    body: body === undefined ? undefined : Buffer.from(body).toString('base64'),
    isBase64Encoded: body !== undefined,
  };
}

const scoreBody = () => {
  const vpc = cloudRecords().filter((r) => r.source === 'vpc');
  return JSON.stringify({
    format: 'vpc',
    lines: [...vpc.slice(0, 50).map((r) => r.line), ...vpcPortScan(vpc[49].event.ts + 60_000)],
    topFeatures: 3,
  });
};

describe.each([
  ['REST API (v1)', restEvent],
  ['HTTP API (v2)', httpApiEvent],
] as const)('behind API Gateway %s', (_name, makeEvent) => {
  it('GET /healthz answers', async () => {
    const res = await proxy(makeEvent('GET', '/healthz'), lambdaContext as never);
    expect(res.statusCode).toBe(200);
  });

  it('POST /v1/score scores the body and enforces auth', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const res = await proxy(makeEvent('POST', '/v1/score', scoreBody(), auth), lambdaContext as never);
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(
      body.rows.some(
        (r: { anomalous: boolean; entity: { id: string } }) => r.anomalous && r.entity.id === '198.51.100.77',
      ),
    ).toBe(true);
    const anon = await proxy(
      makeEvent('POST', '/v1/score', scoreBody(), { 'content-type': 'application/json' }),
      lambdaContext as never,
    );
    expect(anon.statusCode).toBe(401);
  });
});
