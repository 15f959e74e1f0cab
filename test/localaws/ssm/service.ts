import { jsonService } from '../core/json-rpc.ts';
import type { ServiceHandler } from '../core/types.ts';
import { sendCommand } from './commands.ts';
import {
  createDocument,
  deleteDocument,
  describeDocument,
  listDocumentVersions,
  updateDocument,
  updateDocumentDefaultVersion,
} from './documents.ts';
import { getDocument } from './get-document.ts';
import { getCommandInvocation, listCommandInvocations, listCommands } from './invocations.ts';
import type { SsmState } from './state.ts';

/** Systems Manager over AWS JSON 1.1 (`X-Amz-Target: AmazonSSM.<Operation>`): documents and Run Command. */
export function ssmService(state: SsmState): ServiceHandler {
  return jsonService({
    name: 'ssm',
    targetPrefix: 'AmazonSSM',
    messageMember: 'Message',
    faultCodes: { InternalError: ['InternalServerError', 500] },
    operations: {
      CreateDocument: (input) => createDocument(state, input),
      UpdateDocument: (input) => updateDocument(state, input),
      DescribeDocument: (input) => describeDocument(state, input),
      GetDocument: (input) => getDocument(state, input),
      UpdateDocumentDefaultVersion: (input) => updateDocumentDefaultVersion(state, input),
      ListDocumentVersions: (input) => listDocumentVersions(state, input),
      DeleteDocument: (input) => {
        deleteDocument(state, input);
      },
      SendCommand: (input) => sendCommand(state, input),
      ListCommands: (input) => listCommands(state, input),
      ListCommandInvocations: (input) => listCommandInvocations(state, input),
      GetCommandInvocation: (input) => getCommandInvocation(state, input),
    },
  });
}
