import type { LogFormat } from '../../../models/src/parse/types.ts';
import type { LogSource } from '../../../models/src/schema/index.ts';

/** Formats the control plane ingests from the cloud (host formats come from agents). */
export const CLOUD_FORMATS = ['lambda', 's3', 'vpc', 'cloudtrail'] as const;
export type CloudFormat = (typeof CLOUD_FORMATS)[number];

export function isCloudFormat(v: string): v is CloudFormat {
  return (CLOUD_FORMATS as readonly string[]).includes(v);
}

/** A log group name, or a prefix ending in `*` (e.g. `/aws/lambda/*`), and the format its messages are in. */
export interface GroupMapping {
  pattern: string;
  format: CloudFormat;
}

export const DEFAULT_GROUP_MAPPINGS: readonly GroupMapping[] = [{ pattern: '/aws/lambda/*', format: 'lambda' }];

/** Matches by exact name or prefix only: no regex built from configuration, so no backtracking trap. */
export function formatOfGroup(group: string, mappings: readonly GroupMapping[]): CloudFormat | undefined {
  for (const m of mappings) {
    if (m.pattern.endsWith('*') ? group.startsWith(m.pattern.slice(0, -1)) : group === m.pattern) return m.format;
  }
  return undefined;
}

/** The LogSource events of a format carry (the names coincide for cloud formats). */
export const sourceOfFormat = (f: CloudFormat): LogSource & LogFormat => f;
