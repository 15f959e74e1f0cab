import type { LogSource } from '../schema/event.ts';
import type { HostSpec, UserSpec } from './scenario-schema.ts';

/** The seed's dataset: 10 users, one year from 2025-01-01, 100,000 records. */
export const DEFAULTS = {
  seed: 42,
  start: '2025-01-01T00:00:00Z',
  days: 365,
  samples: 100_000,
  account: '318574629104',
  region: 'us-east-1',
  anomalyCount: 10,
  intensity: { min: 0.35, max: 1 },
  lowAndSlowFraction: 0.3,
} as const;

export const DEFAULT_MIX: Record<LogSource, number> = {
  'ec2.auth': 0.18,
  'ec2.syslog': 0.14,
  'ec2.process': 0.1,
  'ec2.disk': 0.04,
  lambda: 0.18,
  s3: 0.12,
  vpc: 0.15,
  cloudtrail: 0.09,
};

export const DEFAULT_USERS: UserSpec[] = [
  {
    name: 'alice.nguyen',
    role: 'admin',
    tzOffsetMinutes: -300,
    workHours: { start: 8, end: 18 },
    regions: ['us-east-1', 'us-west-2'],
    ips: ['198.51.100.24', '73.158.42.117'],
    hosts: ['bastion-1', 'web-1', 'web-2', 'api-1', 'db-1', 'batch-1'],
  },
  {
    name: 'bob.martin',
    role: 'developer',
    tzOffsetMinutes: -300,
    workHours: { start: 9.5, end: 18.5 },
    regions: ['us-east-1'],
    ips: ['198.51.100.24', '24.61.203.88'],
    hosts: ['bastion-1', 'api-1', 'web-1'],
  },
  {
    name: 'carol.diaz',
    role: 'developer',
    tzOffsetMinutes: -480,
    workHours: { start: 9, end: 17.5 },
    regions: ['us-west-2', 'us-east-1'],
    ips: ['67.180.12.201'],
    hosts: ['bastion-1', 'web-2', 'api-1'],
  },
  {
    name: 'priya.sharma',
    role: 'data_analyst',
    tzOffsetMinutes: 330,
    workHours: { start: 10, end: 19 },
    regions: ['us-east-1'],
    ips: ['122.171.18.45', '49.207.60.112'],
    hosts: [],
  },
  {
    name: 'erin.oconnor',
    role: 'sre',
    tzOffsetMinutes: 0,
    workHours: { start: 7, end: 16 },
    regions: ['eu-west-1', 'us-east-1'],
    ips: ['87.44.19.203', '198.51.100.24'],
    hosts: ['bastion-1', 'web-1', 'web-2', 'api-1', 'db-1', 'batch-1'],
  },
  {
    name: 'frank.mueller',
    role: 'security_auditor',
    tzOffsetMinutes: 60,
    workHours: { start: 8, end: 17 },
    regions: ['us-east-1', 'eu-central-1'],
    ips: ['91.64.112.37'],
    hosts: [],
  },
  {
    name: 'grace.kim',
    role: 'data_engineer',
    tzOffsetMinutes: -480,
    workHours: { start: 8, end: 17 },
    regions: ['us-east-1', 'us-west-2'],
    ips: ['67.169.88.14'],
    hosts: ['bastion-1', 'batch-1'],
  },
  { name: 'ci-deploy', role: 'ci_bot', login: 'deploy', regions: ['us-east-1'], hosts: ['web-1', 'web-2', 'api-1'] },
  { name: 'etl-runner', role: 'etl_service', login: 'etl', regions: ['us-east-1'], hosts: ['batch-1'] },
  { name: 'backup-agent', role: 'backup_service', login: 'backup', regions: ['us-east-1'], hosts: ['db-1'] },
];

export const DEFAULT_HOSTS: HostSpec[] = [
  { name: 'web-1', role: 'web', instanceType: 't3.medium', privateIp: '10.0.1.23', public: true },
  { name: 'web-2', role: 'web', instanceType: 't3.medium', privateIp: '10.0.2.47' },
  { name: 'api-1', role: 'api', instanceType: 'm5.large', privateIp: '10.0.11.58' },
  { name: 'db-1', role: 'db', instanceType: 'r5.xlarge', privateIp: '10.0.21.12' },
  { name: 'bastion-1', role: 'bastion', instanceType: 't3.micro', privateIp: '10.0.0.10', public: true },
  { name: 'batch-1', role: 'batch', instanceType: 'c5.2xlarge', privateIp: '10.0.31.90' },
];
