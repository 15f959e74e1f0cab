/** The account's serverless and storage estate: Lambda functions, S3 buckets, the VPC's shared interfaces. */

export type LambdaTrigger = 'api' | 'authorizer' | 's3' | 'schedule' | 'etl';

export interface LambdaFn {
  name: string;
  runtime: 'nodejs20.x' | 'python3.12';
  memoryMb: number;
  timeoutS: number;
  trigger: LambdaTrigger;
  /** Median duration and log-space spread of a warm invocation. */
  durMedianMs: number;
  durSigma: number;
  memBaseMb: number;
  memSpreadMb: number;
  /** Cold-start init duration range. */
  initMs: [number, number];
}

export const LAMBDA_FUNCTIONS: LambdaFn[] = [
  {
    name: 'orders-api',
    runtime: 'nodejs20.x',
    memoryMb: 512,
    timeoutS: 6,
    trigger: 'api',
    durMedianMs: 120,
    durSigma: 0.55,
    memBaseMb: 88,
    memSpreadMb: 40,
    initMs: [180, 420],
  },
  {
    name: 'auth-authorizer',
    runtime: 'nodejs20.x',
    memoryMb: 128,
    timeoutS: 3,
    trigger: 'authorizer',
    durMedianMs: 9,
    durSigma: 0.6,
    memBaseMb: 62,
    memSpreadMb: 10,
    initMs: [140, 260],
  },
  {
    name: 'image-resize',
    runtime: 'python3.12',
    memoryMb: 1024,
    timeoutS: 30,
    trigger: 's3',
    durMedianMs: 900,
    durSigma: 0.5,
    memBaseMb: 210,
    memSpreadMb: 160,
    initMs: [450, 900],
  },
  {
    name: 'nightly-report',
    runtime: 'python3.12',
    memoryMb: 512,
    timeoutS: 900,
    trigger: 'schedule',
    durMedianMs: 95_000,
    durSigma: 0.35,
    memBaseMb: 230,
    memSpreadMb: 90,
    initMs: [600, 1100],
  },
  {
    name: 'etl-transform',
    runtime: 'python3.12',
    memoryMb: 2048,
    timeoutS: 300,
    trigger: 'etl',
    durMedianMs: 48_000,
    durSigma: 0.45,
    memBaseMb: 780,
    memSpreadMb: 520,
    initMs: [700, 1400],
  },
];

export type BucketKind = 'assets' | 'sensitive' | 'lake' | 'logs' | 'backups';

export interface Bucket {
  name: string;
  kind: BucketKind;
  /** Key prefixes of ordinary objects. */
  prefixes: string[];
}

export const BUCKETS: Bucket[] = [
  { name: 'acme-web-assets', kind: 'assets', prefixes: ['static/js/', 'static/css/', 'img/products/', 'img/banners/'] },
  { name: 'acme-customer-data', kind: 'sensitive', prefixes: ['invoices/', 'exports/', 'pii/customers/', 'uploads/'] },
  {
    name: 'acme-data-lake',
    kind: 'lake',
    prefixes: ['raw/orders/', 'curated/orders/', 'curated/sessions/', 'athena-results/'],
  },
  { name: 'acme-app-logs', kind: 'logs', prefixes: ['AWSLogs/'] },
  { name: 'acme-db-backups', kind: 'backups', prefixes: ['postgres/daily/', 'postgres/wal/'] },
];

/** Interfaces that are not hosts: the load balancer's two nodes and the NAT gateway. */
export interface SharedEni {
  eni: string;
  ip: string;
  kind: 'alb' | 'nat';
  publicIp?: string;
}
