import { AwsError } from '../core/errors.ts';
import { InputReader } from '../core/input.ts';
import { jsonService } from '../core/json-rpc.ts';
import type { ServiceHandler } from '../core/types.ts';
import { describeLogGroups, describeLogStreams } from './describe.ts';
import { filterLogEvents } from './filter-events.ts';
import { compileFilterPattern } from './filter-pattern.ts';
import { getLogEvents } from './get-events.ts';
import { GROUP_NAME, putLogEvents, STREAM_NAME } from './put-events.ts';
import type { LogsState } from './store.ts';

export interface LogsOptions {
  /** Events FilterLogEvents examines per call before returning a partial page (AWS may return empty pages). */
  filterScanLimit?: number;
}

const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const MAX_SUBSCRIPTIONS_PER_GROUP = 2;

const reader = (input: Record<string, unknown>) => new InputReader(input, 'InvalidParameterException');
const groupOf = (state: LogsState, r: InputReader) =>
  state.requireGroup(r.optString('logGroupName', GROUP_NAME) ?? r.string('logGroupIdentifier', { min: 1, max: 2048 }));

/** CloudWatch Logs over AWS JSON 1.1 (`X-Amz-Target: Logs_20140328.<Operation>`). */
export function logsService(state: LogsState, opts: LogsOptions = {}): ServiceHandler {
  const scanLimit = opts.filterScanLimit ?? Number.POSITIVE_INFINITY;
  return jsonService({
    name: 'logs',
    targetPrefix: 'Logs_20140328',
    messageMember: 'message',
    operations: {
      CreateLogGroup: (input) => {
        const r = reader(input);
        const name = r.string('logGroupName', GROUP_NAME);
        const tags = r.optMap('tags') as Record<string, string> | undefined;
        const logGroupClass = r.optString('logGroupClass', { oneOf: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] });
        state.createGroup(name, { kmsKeyId: r.optString('kmsKeyId', { max: 256 }), tags, logGroupClass });
      },
      CreateLogStream: (input) => {
        const r = reader(input);
        const group = state.requireGroup(r.string('logGroupName', GROUP_NAME));
        state.createStream(group, r.string('logStreamName', STREAM_NAME));
      },
      DeleteLogGroup: (input) => {
        const r = reader(input);
        state.groups.delete(state.requireGroup(r.string('logGroupName', GROUP_NAME)).name);
      },
      DeleteLogStream: (input) => {
        const r = reader(input);
        const group = state.requireGroup(r.string('logGroupName', GROUP_NAME));
        group.streams.delete(state.requireStream(group, r.string('logStreamName', STREAM_NAME)).name);
      },
      PutRetentionPolicy: (input) => {
        const r = reader(input);
        const group = state.requireGroup(r.string('logGroupName', GROUP_NAME));
        const days = r.optInt('retentionInDays');
        if (days === undefined || !RETENTION_DAYS.includes(days)) {
          r.fail('retentionInDays', days, `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
        }
        group.retentionInDays = days;
      },
      DeleteRetentionPolicy: (input) => {
        const r = reader(input);
        state.requireGroup(r.string('logGroupName', GROUP_NAME)).retentionInDays = undefined;
      },
      DescribeLogGroups: (input) => describeLogGroups(state, input),
      DescribeLogStreams: (input) => describeLogStreams(state, input),
      PutLogEvents: (input) => putLogEvents(state, input),
      GetLogEvents: (input) => getLogEvents(state, input),
      FilterLogEvents: (input) => filterLogEvents(state, input, { scanLimit }),
      PutSubscriptionFilter: (input) => putSubscriptionFilter(state, input),
      DescribeSubscriptionFilters: (input) => {
        const r = reader(input);
        const group = groupOf(state, r);
        const prefix = r.optString('filterNamePrefix', { min: 1, max: 512 });
        const filters = [...group.subscriptions.values()].filter((f) => !prefix || f.filterName.startsWith(prefix));
        return { subscriptionFilters: filters.map((f) => ({ ...f, logGroupName: group.name })) };
      },
      DeleteSubscriptionFilter: (input) => {
        const r = reader(input);
        const group = state.requireGroup(r.string('logGroupName', GROUP_NAME));
        const name = r.string('filterName', { min: 1, max: 512 });
        if (!group.subscriptions.delete(name)) {
          throw new AwsError('ResourceNotFoundException', 'The specified subscription filter does not exist.');
        }
      },
    },
  });
}

function putSubscriptionFilter(state: LogsState, input: Record<string, unknown>): void {
  const r = reader(input);
  const group = state.requireGroup(r.string('logGroupName', GROUP_NAME));
  const filterName = r.string('filterName', { min: 1, max: 512, pattern: /^[^:*]*$/ });
  const filterPattern = r.string('filterPattern', { max: 1024 });
  compileFilterPattern(filterPattern); // refuse a pattern now rather than at delivery time
  const destinationArn = r.string('destinationArn', { min: 1, pattern: /^arn:aws[a-z-]*:[a-z0-9-]+:/ });
  const roleArn = r.optString('roleArn', { min: 1 });
  const distribution = r.optString('distribution', { oneOf: ['Random', 'ByLogStream'] }) ?? 'ByLogStream';
  if (!group.subscriptions.has(filterName) && group.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_GROUP) {
    throw new AwsError('LimitExceededException', 'Resource limit exceeded.');
  }
  group.subscriptions.set(filterName, {
    filterName,
    filterPattern,
    destinationArn,
    roleArn,
    distribution,
    creationTime: state.clock.now(),
  });
}
