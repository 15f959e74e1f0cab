import type { NormalSource } from '../engine/types.ts';
import type { World } from '../world/index.ts';
import { authSource } from './auth.ts';
import { cloudtrailSource } from './cloudtrail.ts';
import { diskSource } from './disk.ts';
import { lambdaSource } from './lambda.ts';
import { processSource } from './process.ts';
import { s3Source } from './s3.ts';
import { syslogSource } from './syslog.ts';
import { vpcSource } from './vpc.ts';

/** Normal traffic of every source, in LOG_SOURCES order. */
export function normalSources(world: World): NormalSource[] {
  return [
    authSource(world),
    syslogSource(world),
    processSource(world),
    diskSource(world),
    lambdaSource(world),
    s3Source(world),
    vpcSource(world),
    cloudtrailSource(world),
  ];
}
