import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.ts';
import { InputReader } from '../core/input.ts';
import { AWS_PACKAGES } from './builtin.ts';
import { findVersion, requireDocument, statusOf } from './documents.ts';
import type { CommandRecord, DocVersion, Invocation, InvocationContext, InvocationOutcome, SsmState } from './state.ts';

const reader = (input: Record<string, unknown>) => new InputReader(input, 'ValidationException');
const INSTANCE_ID = { pattern: /^(i|mi)-[0-9a-f]{8,17}$/ };
const TERMINAL_DETAILS: Record<string, string> = {
  Success: 'Success',
  Failed: 'Failed',
  TimedOut: 'ExecutionTimedOut',
  Cancelled: 'Cancelled',
};

function readParameters(r: InputReader): Record<string, string[]> {
  const map = r.optMap('Parameters') ?? {};
  for (const [k, v] of Object.entries(map)) {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      r.fail(`Parameters.${k}`, v, 'Member must be a list of strings');
  }
  return map as Record<string, string[]>;
}

/** Check parameters against the document's definitions and fill in defaults, as SendCommand does. */
function effectiveParameters(
  docName: string,
  v: DocVersion,
  given: Record<string, string[]>,
): Record<string, string[]> {
  if (v.format !== 'JSON') return given; // parameters of YAML/TEXT documents are not known here
  const out: Record<string, string[]> = Object.create(null);
  for (const name of Object.keys(given)) {
    if (!v.parameters.some((p) => p.name === name))
      throw new AwsError('InvalidParameters', `Parameter "${name}" is not defined in document ${docName}.`);
  }
  for (const p of v.parameters) {
    const values = given[p.name] ?? (p.defaultValue !== undefined ? [p.defaultValue] : undefined);
    if (values === undefined)
      throw new AwsError(
        'InvalidParameters',
        `Parameters [${p.name}] are required by document ${docName} but were not provided.`,
      );
    if (p.type !== 'StringList' && p.type !== 'MapList' && values.length !== 1) {
      throw new AwsError(
        'InvalidParameters',
        `Parameter "${p.name}" is of type ${p.type} and takes exactly one value.`,
      );
    }
    const allowed = p.allowedValues;
    const bad = allowed ? given[p.name]?.find((x) => !allowed.includes(x)) : undefined;
    if (allowed && bad !== undefined) {
      throw new AwsError(
        'InvalidParameters',
        `Parameter "${p.name}" has value "${bad}" not in the allowed values [${allowed.join(', ')}].`,
      );
    }
    out[p.name] = values;
  }
  return out;
}

function resolveTargets(
  state: SsmState,
  r: InputReader,
  instanceIds: string[] | undefined,
): { ids: string[]; targets: { Key: string; Values: string[] }[] } {
  const targets = (r.optList('Targets', 5) ?? []).map((t, i) => {
    const tr = r.nested(`Targets.${i + 1}`, t);
    return { Key: tr.string('Key', { min: 1, max: 163 }), Values: tr.optStringList('Values', 50) ?? [] };
  });
  if ((instanceIds?.length ?? 0) > 0 === targets.length > 0) {
    throw new AwsError('ValidationException', 'Specify either InstanceIds or Targets (exactly one of them).');
  }
  if (instanceIds?.length) {
    const unknown = instanceIds.filter((id) => !state.instances.has(id));
    if (unknown.length > 0)
      throw new AwsError(
        'InvalidInstanceId',
        `Instances [[${unknown.join(', ')}]] not in a valid state for account ${state.accountId}`,
      );
    return { ids: [...new Set(instanceIds)], targets };
  }
  const ids = [...state.instances.values()]
    .filter((inst) => targets.every((t) => matchesTarget(inst.instanceId, inst.tags, t)))
    .map((inst) => inst.instanceId);
  return { ids, targets };
}

function matchesTarget(id: string, tags: Record<string, string>, t: { Key: string; Values: string[] }): boolean {
  if (t.Key === 'InstanceIds') return t.Values.includes(id);
  if (t.Key === 'tag-key') return t.Values.some((k) => Object.hasOwn(tags, k));
  if (t.Key.startsWith('tag:')) {
    const value = tags[t.Key.slice(4)];
    return value !== undefined && t.Values.includes(value);
  }
  throw new AwsError(
    'InvalidTarget',
    `Target key ${t.Key} is not supported by this local stand-in (use InstanceIds, tag:<key> or tag-key).`,
  );
}

/** Built-in outcome: Success, except that AWS-ConfigureAWSPackage fails for a package/version that does not exist. */
export function defaultOutcome(ctx: InvocationContext): InvocationOutcome {
  if (ctx.documentName !== 'AWS-ConfigureAWSPackage') return { status: 'Success', output: '', responseCode: 0 };
  const name = ctx.parameters.name?.[0] ?? '';
  const version = ctx.parameters.version?.[0] ?? '';
  const action = ctx.parameters.action?.[0] ?? 'Install';
  if (AWS_PACKAGES.has(name))
    return {
      status: 'Success',
      output: `Successfully ${action.toLowerCase()}ed ${name} ${version}`.trim(),
      responseCode: 0,
    };
  const doc = ctx.state.documents.get(name);
  const v =
    doc?.type === 'Package'
      ? doc.versions.find((x) => (version ? x.versionName === version : x.version === doc.defaultVersion))
      : undefined;
  if (!v || statusOf(ctx.state, v).status !== 'Active') {
    const what = version ? `${name} version ${version}` : name;
    return {
      status: 'Failed',
      error: `failed to retrieve manifest: package ${what} is not available (document missing or not Active)`,
      responseCode: 1,
    };
  }
  return {
    status: 'Success',
    output: `Initiating ${name} ${v.versionName ?? ''} ${action.toLowerCase()}\nSuccessfully ${action.toLowerCase()}ed ${name} ${v.versionName ?? ''}`,
    responseCode: 0,
  };
}

export function sendCommand(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const docName = r.string('DocumentName', { min: 1, max: 256 });
  const doc = requireDocument(state, docName);
  if (doc.type !== 'Command')
    throw new AwsError(
      'InvalidDocument',
      `${docName} is a ${doc.type} document; SendCommand needs a Command document.`,
    );
  const v = findVersion(doc, r.optString('DocumentVersion', { pattern: /^(\$LATEST|\$DEFAULT|[1-9][0-9]{0,8})$/ }));
  if (statusOf(state, v).status !== 'Active')
    throw new AwsError('InvalidDocument', `Version ${v.version} of ${docName} is not Active.`);
  const parameters = effectiveParameters(doc.name, v, readParameters(r));
  const { ids, targets } = resolveTargets(state, r, r.optStringList('InstanceIds', 50, INSTANCE_ID));
  const now = state.clock.now();
  const commandId = randomUUID();
  const decide = state.invocationResult ?? defaultOutcome;
  const invocations: Invocation[] = ids.map((instanceId) => ({
    instanceId,
    instanceName: state.instances.get(instanceId)?.name,
    outcome: decide({
      commandId,
      instanceId,
      documentName: doc.name,
      documentVersion: String(v.version),
      parameters,
      state,
    }),
    startedAt: now,
    finishedAt: now + state.options.commandLatencyMs,
  }));
  const record: CommandRecord = {
    commandId,
    documentName: doc.name,
    documentVersion: String(v.version),
    comment: r.optString('Comment', { max: 100 }),
    parameters,
    instanceIds: r.optStringList('InstanceIds', 50) ?? [],
    targets,
    requestedAt: now,
    timeoutSeconds: r.optInt('TimeoutSeconds', { min: 30, max: 2_592_000 }),
    outputS3BucketName: r.optString('OutputS3BucketName', { min: 3, max: 63 }),
    outputS3KeyPrefix: r.optString('OutputS3KeyPrefix', { max: 500 }),
    maxConcurrency: r.optString('MaxConcurrency', { pattern: /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/ }) ?? '50',
    maxErrors: r.optString('MaxErrors', { pattern: /^([1-9]*[0-9]|[1-9]*[0-9]%|100%)$/ }) ?? '0',
    plugins: v.plugins,
    invocations,
    input,
  };
  state.commands.set(commandId, record);
  return { Command: commandView(state, record) };
}

function invocationStatus(state: SsmState, inv: Invocation): { status: string; details: string; done: boolean } {
  if (state.clock.now() < inv.finishedAt) return { status: 'InProgress', details: 'InProgress', done: false };
  return { status: inv.outcome.status, details: TERMINAL_DETAILS[inv.outcome.status], done: true };
}

function commandView(state: SsmState, c: CommandRecord) {
  const statuses = c.invocations.map((i) => invocationStatus(state, i));
  const has = (s: string) => statuses.some((x) => x.status === s);
  const status = statuses.some((s) => !s.done)
    ? 'InProgress'
    : has('Failed')
      ? 'Failed'
      : has('TimedOut')
        ? 'TimedOut'
        : has('Cancelled')
          ? 'Cancelled'
          : 'Success';
  return {
    CommandId: c.commandId,
    DocumentName: c.documentName,
    DocumentVersion: c.documentVersion,
    Comment: c.comment,
    ExpiresAfter: (c.requestedAt + (c.timeoutSeconds ?? 3600) * 1000) / 1000,
    Parameters: c.parameters,
    InstanceIds: c.instanceIds,
    Targets: c.targets,
    RequestedDateTime: c.requestedAt / 1000,
    Status: status,
    StatusDetails: status,
    OutputS3Region: state.region,
    OutputS3BucketName: c.outputS3BucketName ?? '',
    OutputS3KeyPrefix: c.outputS3KeyPrefix ?? '',
    MaxConcurrency: c.maxConcurrency,
    MaxErrors: c.maxErrors,
    TargetCount: c.invocations.length,
    CompletedCount: statuses.filter((s) => s.done).length,
    ErrorCount: statuses.filter((s) => s.status === 'Failed').length,
    DeliveryTimedOutCount: 0,
    TimeoutSeconds: c.timeoutSeconds,
  };
}

export { commandView, invocationStatus };
