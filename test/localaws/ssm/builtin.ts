import { createHash } from 'node:crypto';
import { parseCommandDocument } from './content.ts';
import type { SsmState } from './state.ts';

/** The two AWS-owned documents Vigil sends; parameters as AWS publishes them (content abridged to what matters). */
export const BUILTIN_DOCUMENTS: Record<string, object> = {
  'AWS-ConfigureAWSPackage': {
    schemaVersion: '2.2',
    description: 'Install or uninstall a Distributor package.',
    parameters: {
      action: { type: 'String', allowedValues: ['Install', 'Uninstall'] },
      installationType: {
        type: 'String',
        default: 'Uninstall and reinstall',
        allowedValues: ['Uninstall and reinstall', 'In-place update'],
      },
      name: { type: 'String', description: 'The package to install/uninstall' },
      version: { type: 'String', default: '' },
      additionalArguments: { type: 'StringMap', default: {} },
    },
    mainSteps: [
      {
        action: 'aws:configurePackage',
        name: 'configurePackage',
        inputs: { name: '{{ name }}', action: '{{ action }}', version: '{{ version }}' },
      },
    ],
  },
  'AWS-RunShellScript': {
    schemaVersion: '1.2',
    description: 'Run a shell script or specify the commands to run.',
    parameters: {
      commands: { type: 'StringList' },
      workingDirectory: { type: 'String', default: '' },
      executionTimeout: { type: 'String', default: '3600' },
    },
    runtimeConfig: { 'aws:runShellScript': { properties: [{ runCommand: '{{ commands }}' }] } },
  },
};

/** AWS-published Distributor packages that AWS-ConfigureAWSPackage can install without a document of ours. */
export const AWS_PACKAGES = new Set(['AmazonCloudWatchAgent', 'AWSCodeDeployAgent', 'AWSSupport-EC2Rescue']);

/** Register the AWS-owned documents Vigil uses (AWS-ConfigureAWSPackage, AWS-RunShellScript). */
export function seedBuiltinDocuments(state: SsmState): void {
  for (const [name, body] of Object.entries(BUILTIN_DOCUMENTS)) {
    const content = JSON.stringify(body);
    const parsed = parseCommandDocument(content, 'JSON');
    state.documents.set(name, {
      name,
      type: 'Command',
      owner: 'Amazon',
      tags: [],
      defaultVersion: 1,
      versions: [
        {
          version: 1,
          content,
          format: 'JSON',
          hash: createHash('sha256').update(content).digest('hex'),
          createdDate: 0,
          readyAt: 0,
          outcome: { status: 'Active' },
          initialStatus: 'Creating',
          ...parsed,
          attachments: [],
        },
      ],
    });
  }
}
