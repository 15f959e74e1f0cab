import {
  GetCommandInvocationCommand,
  InvocationDoesNotExist,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { SsmTarget } from './targets.ts';

export type SsmOutcome =
  | { state: 'running'; status: string }
  | { state: 'done'; ok: boolean; status: string; detail: string };

export interface SsmRunner {
  send(instanceId: string, approvalId: string, target: SsmTarget): Promise<string>;
  outcome(commandId: string, instanceId: string): Promise<SsmOutcome>;
}

const TERMINAL_FAILURES = new Set([
  'Failed',
  'TimedOut',
  'Cancelled',
  'Undeliverable',
  'Terminated',
  'InvalidPlatform',
  'AccessDenied',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
]);

/** Runs approved actions with the fixed Vigil-RunPlaybook document and typed parameters (never AWS-RunShellScript). */
export function createSsmRunner(client: SSMClient, documentName: string): SsmRunner {
  return {
    async send(instanceId, approvalId, target) {
      const parameters: Record<string, string[]> = { playbook: [target.playbook], approvalId: [approvalId] };
      for (const [k, v] of Object.entries(target.params)) parameters[k] = [v];
      const out = await client.send(
        new SendCommandCommand({
          DocumentName: documentName,
          InstanceIds: [instanceId],
          Parameters: parameters,
          Comment: `vigil ${approvalId}`,
          TimeoutSeconds: 600,
        }),
      );
      const id = out.Command?.CommandId;
      if (!id) throw new Error('SendCommand returned no CommandId');
      return id;
    },
    async outcome(commandId, instanceId) {
      try {
        const r = await client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
        const status = r.Status ?? 'Unknown';
        if (status === 'Success')
          return { state: 'done', ok: true, status, detail: (r.StandardOutputContent ?? '').slice(0, 2048) };
        if (TERMINAL_FAILURES.has(status) || TERMINAL_FAILURES.has(r.StatusDetails ?? '')) {
          const detail = `${r.StatusDetails ?? status} (exit ${r.ResponseCode ?? '?'}): ${(r.StandardErrorContent ?? '').slice(0, 1900)}`;
          return { state: 'done', ok: false, status, detail };
        }
        return { state: 'running', status };
      } catch (err) {
        // Right after SendCommand the invocation may not be visible yet.
        if (err instanceof InvocationDoesNotExist) return { state: 'running', status: 'NotYetVisible' };
        throw err;
      }
    },
  };
}
