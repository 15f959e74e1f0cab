import { AwsError } from '../core/errors.ts';
import type { LocalRequest, LocalResponse, ServiceHandler } from '../core/types.ts';
import { el } from '../core/xml.ts';
import { createTopic, deleteTopic, listTopics, publish, type SnsState } from './state.ts';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

type Operation = (state: SnsState, form: URLSearchParams) => string;
const OPERATIONS: Record<string, Operation> = {
  CreateTopic: (s, f) => el('TopicArn', createTopic(s, f)),
  DeleteTopic: (s, f) => {
    deleteTopic(s, f);
    return '';
  },
  ListTopics: (s, f) => listTopics(s, f),
  Publish: (s, f) => {
    const r = publish(s, f);
    return el('MessageId', r.messageId) + el('SequenceNumber', r.sequenceNumber);
  },
};

function form(req: LocalRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

/** SNS over the AWS query protocol: form-encoded POST with `Action=...`, XML responses. */
export function snsService(state: SnsState): ServiceHandler {
  return {
    name: 'sns',
    operationOf(req) {
      const action = form(req).get('Action') ?? req.query.get('Action') ?? '';
      if (req.method !== 'POST' || !Object.hasOwn(OPERATIONS, action)) {
        throw new AwsError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`, 400);
      }
      return action;
    },
    handle(operation, req) {
      const result = OPERATIONS[operation](state, form(req));
      const body =
        `<${operation}Response xmlns="${XMLNS}"><${operation}Result>${result}</${operation}Result>` +
        `<ResponseMetadata>${el('RequestId', req.requestId)}</ResponseMetadata></${operation}Response>`;
      return xml(200, req, body);
    },
    errorResponse(err, req) {
      const type = err.status >= 500 ? 'Receiver' : 'Sender';
      const body =
        `<ErrorResponse xmlns="${XMLNS}"><Error>${el('Type', type)}${el('Code', err.code)}${el('Message', err.message)}</Error>` +
        `${el('RequestId', req.requestId)}</ErrorResponse>`;
      return xml(err.status, req, body);
    },
    faultError(kind) {
      if (kind === 'Throttling') return new AwsError('Throttled', 'Rate exceeded', 429);
      if (kind === 'InternalError') return new AwsError('InternalError', 'Internal error (fault injection)', 500);
      return new AwsError('ServiceUnavailable', 'Service unavailable (fault injection)', 503);
    },
  };
}

function xml(status: number, req: LocalRequest, body: string): LocalResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': req.requestId }, body };
}
