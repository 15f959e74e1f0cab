import type { LogSource } from '../../schema/event.ts';

/** Dataset layout from docs/log-contract.md. Names are validated upstream to be path-safe. */
export const files = {
  auth: (hostname: string) => `ec2/${hostname}/auth.log`,
  syslog: (hostname: string) => `ec2/${hostname}/syslog`,
  process: (hostname: string) => `ec2/${hostname}/process.jsonl`,
  disk: (hostname: string) => `ec2/${hostname}/disk.jsonl`,
  lambda: (fn: string) => `lambda/${fn}.jsonl`,
  s3: (bucket: string) => `s3/${bucket}.log`,
  vpc: () => 'vpc/flowlogs.log',
  cloudtrail: () => 'cloudtrail/events.jsonl',
};

/** The VPC Flow Logs header line AWS writes at the top of each file it delivers to S3 (default v2 format). */
export const VPC_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** First line a file starts with (not a record, not counted), if its format has one. */
export function fileHeader(source: LogSource): string | undefined {
  return source === 'vpc' ? VPC_HEADER : undefined;
}
