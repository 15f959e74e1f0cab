import { type Static, Type } from '@sinclair/typebox';

/**
 * Every log source Vigil understands. The prefix names the AWS surface; `ec2.*` sources are read on the host by the
 * agent, the others by the control plane from CloudWatch Logs or S3.
 */
export const LOG_SOURCES = [
  'ec2.auth',
  'ec2.syslog',
  'ec2.process',
  'ec2.disk',
  'lambda',
  's3',
  'vpc',
  'cloudtrail',
] as const;
export const LogSourceSchema = Type.Union(LOG_SOURCES.map((s) => Type.Literal(s)));
export type LogSource = (typeof LOG_SOURCES)[number];

export const OUTCOMES = ['success', 'failure', 'unknown'] as const;
export const OutcomeSchema = Type.Union(OUTCOMES.map((s) => Type.Literal(s)));
export type Outcome = (typeof OUTCOMES)[number];

const Opt = Type.Optional;

/**
 * The one normalized event. Field meaning per source (see docs/log-contract.md for the full table):
 *
 * | field      | ec2.auth / ec2.syslog        | ec2.process        | ec2.disk      | lambda            | s3                 | vpc                 | cloudtrail                 |
 * |------------|------------------------------|--------------------|---------------|-------------------|--------------------|---------------------|----------------------------|
 * | host       | hostname                     | hostname           | hostname      | -                 | -                  | -                   | -                          |
 * | principal  | user name (target of login)  | process user       | -             | -                 | requester          | -                   | userIdentity arn/userName  |
 * | action     | ACTIONS.auth / .syslog value | 'process.sample'   | 'disk.sample' | ACTIONS.lambda    | S3 operation       | 'flow'              | eventName                  |
 * | status     | -                            | -                  | -             | -                 | HTTP status        | ACCEPT / REJECT     | errorCode or 'OK'          |
 * | resource   | sudo command / package       | exe path           | mount point   | function name     | bucket/key         | interface-id        | main resource (bucket,...) |
 * | program    | syslog tag (sshd, sudo, ...) | comm               | -             | -                 | -                  | -                   | eventSource                |
 */
export const LogEventSchema = Type.Object(
  {
    /** Epoch milliseconds, UTC. */
    ts: Type.Number(),
    source: LogSourceSchema,
    account: Opt(Type.String()),
    region: Opt(Type.String()),
    /** Hostname (syslog header) or instance id. */
    host: Opt(Type.String()),
    instanceType: Opt(Type.String()),
    /** User, IAM principal or S3 requester. */
    principal: Opt(Type.String()),
    srcIp: Opt(Type.String()),
    srcPort: Opt(Type.Integer()),
    dstIp: Opt(Type.String()),
    dstPort: Opt(Type.Integer()),
    /** IANA protocol number (6 tcp, 17 udp, 1 icmp). */
    protocol: Opt(Type.Integer()),
    /** Normalized event name: a value of ACTIONS for host/lambda sources, the native operation name otherwise. */
    action: Type.String(),
    outcome: OutcomeSchema,
    /** Native status code: HTTP status, ACCEPT/REJECT, CloudTrail errorCode. */
    status: Opt(Type.String()),
    resource: Opt(Type.String()),
    bytes: Opt(Type.Number()),
    packets: Opt(Type.Number()),
    durationMs: Opt(Type.Number()),
    /** Memory used (Lambda Max Memory Used, process RSS) in MB. */
    memoryMb: Opt(Type.Number()),
    /** Memory limit (Lambda Memory Size) in MB. */
    memoryLimitMb: Opt(Type.Number()),
    program: Opt(Type.String()),
    pid: Opt(Type.Integer()),
    /** Free text: the syslog message after the tag, a Lambda log message. */
    message: Opt(Type.String()),
    /** Source-specific extras with stable keys (documented per parser). */
    attrs: Opt(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]))),
    /** The line exactly as read (without the line terminator). */
    raw: Type.String(),
  },
  { additionalProperties: false },
);
export type LogEvent = Static<typeof LogEventSchema>;
export type AttrValue = string | number | boolean | null;
