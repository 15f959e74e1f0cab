/**
 * The SSM Command document approved actions run through (create it once per account and region:
 * `aws ssm create-document --name Vigil-RunPlaybook --document-type Command --content file://...`).
 * Each value is its own typed parameter with an allowedPattern, so SSM itself refuses anything else, and the script
 * hands them to the agent's playbook runner as separate argv entries: nothing is interpolated into shell code
 * beyond parameters that the patterns restrict to digits, IP characters or an absolute path of safe characters.
 */
export const PLAYBOOK_DOCUMENT_NAME = 'Vigil-RunPlaybook';

export function playbookDocument(): string {
  return JSON.stringify({
    schemaVersion: '2.2',
    description: 'Run one Vigil response playbook on this host through the local agent (re-verifies the target).',
    parameters: {
      playbook: { type: 'String', allowedValues: ['block-ip', 'kill-process', 'clean-disk'] },
      approvalId: { type: 'String', allowedPattern: '^apr_[0-9a-f]{24}$' },
      ip: { type: 'String', default: '-', allowedPattern: '^(-|[0-9a-fA-F:.]{2,45})$' },
      pid: { type: 'String', default: '0', allowedPattern: '^[0-9]{1,7}$' },
      startTicks: { type: 'String', default: '0', allowedPattern: '^[0-9]{1,15}$' },
      mountPath: { type: 'String', default: '-', allowedPattern: '^(-|/[A-Za-z0-9._/-]{0,255})$' },
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'runPlaybook',
        inputs: {
          timeoutSeconds: '120',
          runCommand: [
            "exec /usr/local/bin/vigil-agent playbook run --approval '{{ approvalId }}' --name '{{ playbook }}' " +
              "--ip '{{ ip }}' --pid '{{ pid }}' --start-ticks '{{ startTicks }}' --mount '{{ mountPath }}'",
          ],
        },
      },
    ],
  });
}
