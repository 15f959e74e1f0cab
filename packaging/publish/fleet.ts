import { ListCommandInvocationsCommand, SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';

export interface Tag {
  key: string;
  value: string;
}

export interface FleetOptions {
  documentName: string;
  version: string;
  tags: Tag[];
  inPlace: boolean;
  maxConcurrency: string;
  maxErrors: string;
  waitMs: number;
  pollMs?: number;
}

export interface FleetResult {
  commandId: string;
  targets: { Key: string; Values: string[] }[];
  status?: string;
  invocations: { instanceId: string; status: string }[];
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const RATE = /^([1-9][0-9]*|[1-9][0-9]?%|100%|0)$/;

/** `Key=Value` as SSM accepts it in a `tag:` target (EC2 tag character set). */
export function parseTag(text: string): Tag {
  const eq = text.indexOf('=');
  const key = eq < 0 ? '' : text.slice(0, eq);
  const value = eq < 0 ? '' : text.slice(eq + 1);
  if (!TAG_KEY.test(key) || !TAG_VALUE.test(value))
    throw new Error(`--tag must be Key=Value with EC2 tag characters, got '${text.slice(0, 64)}'`);
  return { key, value };
}

export function checkRate(flag: string, value: string): string {
  if (!RATE.test(value)) throw new Error(`${flag} must be a count or a percentage (e.g. 10 or 10%), got '${value}'`);
  return value;
}

/**
 * Runs AWS-ConfigureAWSPackage on every managed node carrying all the tags (targets are ANDed), installing this
 * package version; rate control keeps a bad release from reaching the whole fleet at once. With waitMs > 0, polls
 * until every invocation has finished.
 */
export async function installOnFleet(ssm: SSMClient, o: FleetOptions): Promise<FleetResult> {
  const targets = o.tags.map((t) => ({ Key: `tag:${t.key}`, Values: [t.value] }));
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-ConfigureAWSPackage',
      Targets: targets,
      Parameters: {
        action: ['Install'],
        name: [o.documentName],
        version: [o.version],
        installationType: [o.inPlace ? 'In-place update' : 'Uninstall and reinstall'],
      },
      MaxConcurrency: o.maxConcurrency,
      MaxErrors: o.maxErrors,
      Comment: `vigil package publish ${o.version}`.slice(0, 100),
    }),
  );
  const commandId = sent.Command?.CommandId;
  if (!commandId) throw new Error('SendCommand returned no CommandId');
  const result: FleetResult = { commandId, targets, status: sent.Command?.Status, invocations: [] };
  if (o.waitMs <= 0) return result;
  const until = Date.now() + o.waitMs;
  for (;;) {
    result.invocations = await invocations(ssm, commandId);
    const pending = result.invocations.filter((i) => ['Pending', 'InProgress', 'Delayed'].includes(i.status));
    if (pending.length === 0) break;
    if (Date.now() > until) throw new Error(`${pending.length} invocation(s) of ${commandId} still running`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
  }
  result.status = result.invocations.every((i) => i.status === 'Success') ? 'Success' : 'Failed';
  return result;
}

async function invocations(ssm: SSMClient, commandId: string): Promise<FleetResult['invocations']> {
  const out: FleetResult['invocations'] = [];
  let token: string | undefined;
  do {
    const page = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, NextToken: token }));
    for (const i of page.CommandInvocations ?? [])
      out.push({ instanceId: i.InstanceId ?? '?', status: i.Status ?? 'Unknown' });
    token = page.NextToken;
  } while (token);
  return out;
}
