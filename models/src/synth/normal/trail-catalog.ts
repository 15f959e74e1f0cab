import type { Rng } from '../rng.ts';
import type { UserRole } from '../scenario-schema.ts';
import type { World } from '../world/index.ts';

/** One API a role calls: service, event name, read-only flag, relative weight, request parameters. */
export interface ApiCall {
  src: string;
  name: string;
  ro: boolean;
  w: number;
  params?: (world: World, rng: Rng) => Record<string, unknown> | null;
  /** Share of calls that come back AccessDenied (a caller without the permission). */
  deny?: number;
}

const fnName = (w: World, r: Rng) => ({ functionName: r.pick(w.functions).name });
const bucketName = (w: World, r: Rng) => ({ bucketName: r.pick(w.buckets).name });
const instance = (w: World, r: Rng) => ({ instancesSet: { items: [{ instanceId: r.pick(w.hosts).instanceId }] } });
const logGroup = (w: World, r: Rng) => ({
  logGroupName: `/aws/lambda/${r.pick(w.functions).name}`,
  startTime: 0,
  interleaved: true,
});
const roleName = (_w: World, r: Rng) => ({
  roleName: r.pick([
    'api-instance-role',
    'image-resize-role',
    'etl-batch-role',
    'github-actions-deploy',
    'backup-role',
  ]),
});
const userName = (w: World, r: Rng) => ({
  userName: r.pick(
    w.users
      .filter((u) => u.identity.type === 'IAMUser')
      .map((u) => u.name)
      .concat(['svc-monitoring']),
  ),
});

const s = (svc: string) => `${svc}.amazonaws.com`;

export const ROLE_CALLS: Record<UserRole, ApiCall[]> = {
  admin: [
    { src: s('ec2'), name: 'DescribeInstances', ro: true, w: 10, params: () => ({ filterSet: {} }) },
    {
      src: s('ec2'),
      name: 'DescribeSecurityGroups',
      ro: true,
      w: 4,
      params: () => ({ securityGroupSet: {}, filterSet: {} }),
    },
    { src: s('iam'), name: 'ListUsers', ro: true, w: 3, params: () => null },
    { src: s('iam'), name: 'GetUser', ro: true, w: 2, params: userName },
    { src: s('iam'), name: 'ListRoles', ro: true, w: 2, params: () => null },
    { src: s('iam'), name: 'GetRole', ro: true, w: 2, params: roleName },
    { src: s('iam'), name: 'ListAttachedRolePolicies', ro: true, w: 2, params: roleName },
    { src: s('ec2'), name: 'StopInstances', ro: false, w: 0.3, params: instance },
    { src: s('ec2'), name: 'StartInstances', ro: false, w: 0.3, params: instance },
    {
      src: s('ec2'),
      name: 'CreateTags',
      ro: false,
      w: 0.6,
      params: (w, r) => ({
        resourcesSet: { items: [{ resourceId: r.pick(w.hosts).instanceId }] },
        tagSet: { items: [{ key: 'Owner', value: 'platform' }] },
      }),
    },
    {
      src: s('iam'),
      name: 'CreateUser',
      ro: false,
      w: 0.06,
      params: (_w, r) => ({ userName: `svc-${r.pick(['grafana', 'datadog', 'partner-feed', 'sftp'])}` }),
    },
    { src: s('iam'), name: 'CreateAccessKey', ro: false, w: 0.06, params: userName },
    { src: s('iam'), name: 'DeleteAccessKey', ro: false, w: 0.06, params: userName },
    { src: s('s3'), name: 'ListBuckets', ro: true, w: 3, params: () => ({ Host: 's3.amazonaws.com' }) },
    { src: s('s3'), name: 'GetBucketPolicy', ro: true, w: 1, params: bucketName },
    { src: s('cloudtrail'), name: 'LookupEvents', ro: true, w: 1.5, params: () => ({ maxResults: 50 }) },
    {
      src: s('ssm'),
      name: 'StartSession',
      ro: false,
      w: 1,
      params: (w, r) => ({ target: r.pick(w.hosts).instanceId }),
    },
    { src: s('sts'), name: 'GetCallerIdentity', ro: true, w: 1, params: () => null },
    { src: s('ce'), name: 'GetCostAndUsage', ro: true, w: 0.5, params: () => ({ granularity: 'DAILY' }) },
  ],
  developer: [
    { src: s('lambda'), name: 'ListFunctions20150331', ro: true, w: 4, params: () => null },
    { src: s('lambda'), name: 'GetFunction20150331v2', ro: true, w: 4, params: fnName },
    { src: s('lambda'), name: 'GetFunctionConfiguration20150331v2', ro: true, w: 2, params: fnName },
    { src: s('lambda'), name: 'UpdateFunctionConfiguration20150331v2', ro: false, w: 0.2, params: fnName },
    {
      src: s('logs'),
      name: 'DescribeLogGroups',
      ro: true,
      w: 3,
      params: () => ({ logGroupNamePrefix: '/aws/lambda/' }),
    },
    { src: s('logs'), name: 'FilterLogEvents', ro: true, w: 5, params: logGroup },
    { src: s('logs'), name: 'StartQuery', ro: true, w: 1.5, params: logGroup },
    { src: s('s3'), name: 'ListBuckets', ro: true, w: 1.5, params: () => ({ Host: 's3.amazonaws.com' }) },
    { src: s('dynamodb'), name: 'DescribeTable', ro: true, w: 2, params: () => ({ tableName: 'orders' }) },
    { src: s('apigateway'), name: 'GetRestApis', ro: true, w: 1, params: () => null },
    {
      src: s('cloudformation'),
      name: 'DescribeStacks',
      ro: true,
      w: 1.5,
      params: () => ({ stackName: 'orders-api-prod' }),
    },
    { src: s('sts'), name: 'GetCallerIdentity', ro: true, w: 1, params: () => null },
    { src: s('iam'), name: 'ListUsers', ro: true, w: 0.3, params: () => null, deny: 1 },
    {
      src: s('secretsmanager'),
      name: 'GetSecretValue',
      ro: true,
      w: 0.5,
      params: () => ({ secretId: 'prod/orders-api/db' }),
    },
  ],
  data_analyst: [
    {
      src: s('athena'),
      name: 'StartQueryExecution',
      ro: false,
      w: 5,
      params: () => ({ workGroup: 'analysts', queryExecutionContext: { database: 'curated' } }),
    },
    {
      src: s('athena'),
      name: 'GetQueryExecution',
      ro: true,
      w: 8,
      params: (_w, r) => ({ queryExecutionId: r.uuid() }),
    },
    { src: s('athena'), name: 'GetQueryResults', ro: true, w: 5, params: (_w, r) => ({ queryExecutionId: r.uuid() }) },
    { src: s('glue'), name: 'GetTables', ro: true, w: 2, params: () => ({ databaseName: 'curated' }) },
    { src: s('glue'), name: 'GetTable', ro: true, w: 2, params: () => ({ databaseName: 'curated', name: 'orders' }) },
    { src: s('s3'), name: 'ListBuckets', ro: true, w: 1, params: () => ({ Host: 's3.amazonaws.com' }) },
    {
      src: s('glue'),
      name: 'DeleteTable',
      ro: false,
      w: 0.1,
      params: () => ({ databaseName: 'curated', name: 'orders' }),
      deny: 1,
    },
  ],
  sre: [
    { src: s('ec2'), name: 'DescribeInstances', ro: true, w: 6, params: () => ({ filterSet: {} }) },
    { src: s('ec2'), name: 'DescribeInstanceStatus', ro: true, w: 3, params: instance },
    { src: s('ec2'), name: 'DescribeVolumes', ro: true, w: 2, params: () => ({ filterSet: {} }) },
    { src: s('monitoring'), name: 'DescribeAlarms', ro: true, w: 4, params: () => ({ stateValue: 'ALARM' }) },
    {
      src: s('ssm'),
      name: 'StartSession',
      ro: false,
      w: 2,
      params: (w, r) => ({ target: r.pick(w.hosts).instanceId }),
    },
    {
      src: s('ssm'),
      name: 'SendCommand',
      ro: false,
      w: 1,
      params: (w, r) => ({ instanceIds: [r.pick(w.hosts).instanceId], documentName: 'AWS-RunShellScript' }),
    },
    { src: s('ssm'), name: 'DescribeInstanceInformation', ro: true, w: 2, params: () => null },
    { src: s('autoscaling'), name: 'DescribeAutoScalingGroups', ro: true, w: 1.5, params: () => null },
    {
      src: s('elasticloadbalancing'),
      name: 'DescribeTargetHealth',
      ro: true,
      w: 2,
      params: () => ({ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:tg/web-prod' }),
    },
    { src: s('logs'), name: 'FilterLogEvents', ro: true, w: 3, params: logGroup },
    { src: s('ec2'), name: 'RebootInstances', ro: false, w: 0.1, params: instance },
  ],
  security_auditor: [
    { src: s('iam'), name: 'GenerateCredentialReport', ro: false, w: 0.5, params: () => null },
    { src: s('iam'), name: 'GetCredentialReport', ro: true, w: 1, params: () => null },
    { src: s('iam'), name: 'ListUsers', ro: true, w: 3, params: () => null },
    { src: s('iam'), name: 'ListAccessKeys', ro: true, w: 3, params: userName },
    {
      src: s('iam'),
      name: 'GetAccountAuthorizationDetails',
      ro: true,
      w: 1,
      params: () => ({ filter: ['User', 'Role'] }),
    },
    { src: s('cloudtrail'), name: 'DescribeTrails', ro: true, w: 1.5, params: () => null },
    { src: s('cloudtrail'), name: 'GetEventSelectors', ro: true, w: 1, params: () => ({ trailName: 'org-trail' }) },
    { src: s('config'), name: 'DescribeComplianceByConfigRule', ro: true, w: 2, params: () => null },
    { src: s('securityhub'), name: 'GetFindings', ro: true, w: 4, params: () => ({ maxResults: 100 }) },
    {
      src: s('guardduty'),
      name: 'ListFindings',
      ro: true,
      w: 3,
      params: () => ({ detectorId: '6ec9f1e2b7a84a3c9d0f1e2b3c4d5e6f' }),
    },
    { src: s('access-analyzer'), name: 'ListFindings', ro: true, w: 1, params: () => null },
    { src: s('s3'), name: 'GetBucketPublicAccessBlock', ro: true, w: 1.5, params: bucketName },
  ],
  data_engineer: [
    { src: s('glue'), name: 'StartJobRun', ro: false, w: 1.5, params: () => ({ jobName: 'orders-curate' }) },
    { src: s('glue'), name: 'GetJobRun', ro: true, w: 4, params: () => ({ jobName: 'orders-curate' }) },
    { src: s('glue'), name: 'GetJobRuns', ro: true, w: 2, params: () => ({ jobName: 'orders-curate' }) },
    {
      src: s('glue'),
      name: 'UpdateTable',
      ro: false,
      w: 0.5,
      params: () => ({ databaseName: 'curated', tableInput: { name: 'orders' } }),
    },
    { src: s('athena'), name: 'StartQueryExecution', ro: false, w: 2, params: () => ({ workGroup: 'engineering' }) },
    {
      src: s('lambda'),
      name: 'GetFunction20150331v2',
      ro: true,
      w: 1,
      params: () => ({ functionName: 'etl-transform' }),
    },
    { src: s('elasticmapreduce'), name: 'ListClusters', ro: true, w: 0.5, params: () => null },
    { src: s('s3'), name: 'ListBuckets', ro: true, w: 1, params: () => ({ Host: 's3.amazonaws.com' }) },
  ],
  ci_bot: [
    { src: s('lambda'), name: 'UpdateFunctionCode20150331v2', ro: false, w: 3, params: fnName },
    { src: s('lambda'), name: 'PublishVersion20150331', ro: false, w: 2, params: fnName },
    {
      src: s('lambda'),
      name: 'UpdateAlias20150331',
      ro: false,
      w: 2,
      params: (w, r) => ({ ...fnName(w, r), name: 'live' }),
    },
    { src: s('lambda'), name: 'GetFunction20150331v2', ro: true, w: 2, params: fnName },
    {
      src: s('cloudformation'),
      name: 'DescribeStacks',
      ro: true,
      w: 2,
      params: () => ({ stackName: 'orders-api-prod' }),
    },
    { src: s('ecr'), name: 'GetAuthorizationToken', ro: true, w: 1, params: () => null },
  ],
  etl_service: [
    { src: s('glue'), name: 'StartJobRun', ro: false, w: 1, params: () => ({ jobName: 'orders-nightly' }) },
    { src: s('glue'), name: 'GetJobRun', ro: true, w: 3, params: () => ({ jobName: 'orders-nightly' }) },
    { src: s('kms'), name: 'Decrypt', ro: true, w: 3, params: () => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }) },
    { src: s('athena'), name: 'StartQueryExecution', ro: false, w: 1, params: () => ({ workGroup: 'etl' }) },
  ],
  backup_service: [
    {
      src: s('ec2'),
      name: 'CreateSnapshot',
      ro: false,
      w: 1,
      params: (_w, r) => ({ volumeId: `vol-0${r.hex(16)}`, description: 'nightly' }),
    },
    {
      src: s('ec2'),
      name: 'DescribeSnapshots',
      ro: true,
      w: 2,
      params: () => ({ ownersSet: { items: [{ owner: 'self' }] } }),
    },
    {
      src: s('ec2'),
      name: 'DeleteSnapshot',
      ro: false,
      w: 0.3,
      params: (_w, r) => ({ snapshotId: `snap-0${r.hex(16)}` }),
    },
  ],
};

/** IAM is global: CloudTrail records its calls in us-east-1 whatever region the caller works in. */
export function regionFor(src: string, preferred: string): string {
  return src === 'iam.amazonaws.com' || src === 'ce.amazonaws.com' ? 'us-east-1' : preferred;
}
