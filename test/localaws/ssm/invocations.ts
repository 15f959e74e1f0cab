import { AwsError } from '../core/errors.ts';
import { InputReader } from '../core/input.ts';
import { commandView, invocationStatus } from './commands.ts';
import type { CommandRecord, Invocation, SsmState } from './state.ts';

const reader = (input: Record<string, unknown>) => new InputReader(input, 'ValidationException');
const COMMAND_ID = { min: 36, max: 36 };
const INSTANCE_ID = { pattern: /^(i|mi)-[0-9a-f]{8,17}$/ };
const FILTER_KEYS = ['InvokedAfter', 'InvokedBefore', 'Status', 'ExecutionStage', 'DocumentName'];
const MAX_OUTPUT_CHARS = 24_000; // GetCommandInvocation truncates inline output at 24,000 characters

function page<T>(r: InputReader, items: T[]): { items: T[]; NextToken?: string } {
  const max = r.optInt('MaxResults', { min: 1, max: 50 }) ?? 50;
  const offset = Number(r.optString('NextToken', { pattern: /^\d{1,9}$/ }) ?? 0);
  const out = items.slice(offset, offset + max);
  return { items: out, NextToken: offset + max < items.length ? String(offset + max) : undefined };
}

function requireCommand(state: SsmState, id: string): CommandRecord {
  const c = state.commands.get(id);
  if (!c) throw new AwsError('InvalidCommandId', `Command ${id} does not exist.`);
  return c;
}

function commandFilter(r: InputReader): (c: CommandRecord, status: string) => boolean {
  const filters = (r.optList('Filters', 5, 1) ?? []).map((f, i) => {
    const fr = r.nested(`Filters.${i + 1}`, f);
    return { key: fr.string('key', { oneOf: FILTER_KEYS }), value: fr.string('value', { min: 1, max: 256 }) };
  });
  return (c, status) =>
    filters.every((f) => {
      if (f.key === 'Status') return status === f.value;
      if (f.key === 'DocumentName') return c.documentName === f.value;
      if (f.key === 'InvokedAfter') return c.requestedAt >= Date.parse(f.value);
      if (f.key === 'InvokedBefore') return c.requestedAt <= Date.parse(f.value);
      return true; // ExecutionStage (Executing/Complete) is not tracked separately here
    });
}

export function listCommands(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const id = r.optString('CommandId', COMMAND_ID);
  const instanceId = r.optString('InstanceId', INSTANCE_ID);
  const keep = commandFilter(r);
  if (id !== undefined) requireCommand(state, id);
  const views = [...state.commands.values()]
    .reverse() // newest first, as the console and CLI show them
    .filter(
      (c) =>
        (id === undefined || c.commandId === id) &&
        (instanceId === undefined || c.invocations.some((i) => i.instanceId === instanceId)),
    )
    .map((c) => ({ c, view: commandView(state, c) }))
    .filter(({ c, view }) => keep(c, view.Status))
    .map(({ view }) => view);
  const { items, NextToken } = page(r, views);
  return { Commands: items, NextToken };
}

function pluginView(state: SsmState, c: CommandRecord, inv: Invocation, name: string) {
  const s = invocationStatus(state, inv);
  return {
    Name: name,
    Status: s.status,
    StatusDetails: s.details,
    ResponseCode: s.done ? (inv.outcome.responseCode ?? (inv.outcome.status === 'Success' ? 0 : 1)) : -1,
    ResponseStartDateTime: inv.startedAt / 1000,
    ResponseFinishDateTime: s.done ? inv.finishedAt / 1000 : undefined,
    Output: s.done
      ? (inv.outcome.output ?? '') + (inv.outcome.error ? `\n----------ERROR-------\n${inv.outcome.error}` : '')
      : '',
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    OutputS3Region: state.region,
    OutputS3BucketName: c.outputS3BucketName ?? '',
    OutputS3KeyPrefix: c.outputS3KeyPrefix ?? '',
  };
}

export function listCommandInvocations(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const id = r.optString('CommandId', COMMAND_ID);
  const instanceId = r.optString('InstanceId', INSTANCE_ID);
  const details = r.optBool('Details') ?? false;
  const keep = commandFilter(r);
  if (id !== undefined) requireCommand(state, id);
  const rows = [];
  for (const c of [...state.commands.values()].reverse()) {
    if (id !== undefined && c.commandId !== id) continue;
    for (const inv of c.invocations) {
      if (instanceId !== undefined && inv.instanceId !== instanceId) continue;
      const s = invocationStatus(state, inv);
      if (!keep(c, s.status)) continue;
      rows.push({
        CommandId: c.commandId,
        InstanceId: inv.instanceId,
        InstanceName: inv.instanceName ?? '',
        Comment: c.comment ?? '',
        DocumentName: c.documentName,
        DocumentVersion: c.documentVersion,
        RequestedDateTime: c.requestedAt / 1000,
        Status: s.status,
        StatusDetails: s.details,
        TraceOutput: '',
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        CommandPlugins: details ? c.plugins.map((p) => pluginView(state, c, inv, p)) : [],
        ServiceRole: '',
        NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
        CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      });
    }
  }
  const { items, NextToken } = page(r, rows);
  return { CommandInvocations: items, NextToken };
}

export function getCommandInvocation(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const c = state.commands.get(r.string('CommandId', COMMAND_ID));
  const instanceId = r.string('InstanceId', INSTANCE_ID);
  const inv = c?.invocations.find((i) => i.instanceId === instanceId);
  if (!c || !inv)
    throw new AwsError('InvocationDoesNotExist', 'The command id and instance id are not a valid invocation.');
  const pluginName = r.optString('PluginName', { min: 4, max: 512 });
  if (pluginName !== undefined && !c.plugins.includes(pluginName))
    throw new AwsError('InvalidPluginName', `Plugin ${pluginName} is not part of ${c.documentName}.`);
  if (pluginName === undefined && c.plugins.length > 1) {
    throw new AwsError('InvalidPluginName', `${c.documentName} has ${c.plugins.length} plugins; specify PluginName.`);
  }
  const s = invocationStatus(state, inv);
  return {
    CommandId: c.commandId,
    InstanceId: inv.instanceId,
    Comment: c.comment ?? '',
    DocumentName: c.documentName,
    DocumentVersion: c.documentVersion,
    PluginName: pluginName ?? c.plugins[0],
    ResponseCode: s.done ? (inv.outcome.responseCode ?? (inv.outcome.status === 'Success' ? 0 : 1)) : -1,
    ExecutionStartDateTime: new Date(inv.startedAt).toISOString(),
    ExecutionElapsedTime: s.done ? `PT${((inv.finishedAt - inv.startedAt) / 1000).toFixed(3)}S` : '',
    ExecutionEndDateTime: s.done ? new Date(inv.finishedAt).toISOString() : '',
    Status: s.status,
    StatusDetails: s.details,
    StandardOutputContent: s.done ? (inv.outcome.output ?? '').slice(0, MAX_OUTPUT_CHARS) : '',
    StandardOutputUrl: '',
    StandardErrorContent: s.done ? (inv.outcome.error ?? '').slice(0, MAX_OUTPUT_CHARS) : '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}
