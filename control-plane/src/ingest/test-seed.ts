/** Test helpers: seed the local CloudWatch Logs stand-in through the real SDK client. */
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';

/** A settable clock for the stand-in: PutLogEvents refuses events > 14 days old, and the dataset spans a year. */
export class TestClock {
  private base = Date.now();
  private setAt = Date.now();
  /** Runs on from the last value set, at real speed (the stand-in's throttling buckets refill with it). */
  now = () => this.base + (Date.now() - this.setAt);
  get t(): number {
    return this.now();
  }
  set t(ms: number) {
    this.base = ms;
    this.setAt = Date.now();
  }
}

/** Creates the group/stream if needed and puts events in ≤ 24 h, ≤ 1,000-event batches, moving the clock along. */
export async function putEvents(
  logs: CloudWatchLogsClient,
  clock: TestClock,
  group: string,
  stream: string,
  events: InputLogEvent[],
): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch(ignoreExists);
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })).catch(ignoreExists);
  const sorted = [...events].sort((a, b) => a.timestamp! - b.timestamp!);
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i].timestamp!;
    let j = i;
    while (j < sorted.length && j - i < 1000 && sorted[j].timestamp! - first < 23 * 3_600_000) j++;
    clock.t = sorted[j - 1].timestamp! + 1000;
    await logs.send(
      new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: sorted.slice(i, j) }),
    );
    i = j;
  }
}

function ignoreExists(err: Error): void {
  if (err.name !== 'ResourceAlreadyExistsException') throw err;
}
