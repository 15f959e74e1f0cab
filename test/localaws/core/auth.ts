import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from './errors.ts';

/** The parts of a SigV4 signature the stand-ins use: who signed, for which region and service. */
export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
}

// Fixed-shape pattern with disjoint character classes: linear time on hostile input.
const AUTH_HEADER =
  /^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]{1,128})\/(\d{8})\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,32})\/aws4_request, ?SignedHeaders=([a-z0-9;-]{1,2048}), ?Signature=([0-9a-f]{64})$/;
const QUERY_CREDENTIAL = /^([A-Za-z0-9]{1,128})\/(\d{8})\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,32})\/aws4_request$/;

/**
 * Any credentials are accepted (the stand-ins hold no secrets), but the request must carry a well-formed SigV4
 * signature, as AWS demands, so an unsigned or hand-made request fails here the way it would against AWS.
 * Signatures are not recomputed: tests use fake keys and the point is protocol shape, not cryptography.
 */
export function readSigV4(headers: IncomingHttpHeaders, query: URLSearchParams): SigV4Scope {
  const header = headers.authorization;
  if (header === undefined) return readPresignedQuery(query);
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new AwsError('IncompleteSignature', 'Authorization header requires the AWS4-HMAC-SHA256 algorithm.', 400);
  }
  const m = AUTH_HEADER.exec(header);
  if (!m) {
    throw new AwsError(
      'IncompleteSignature',
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
      400,
    );
  }
  const signedHeaders = m[5].split(';');
  if (!signedHeaders.includes('host')) {
    throw new AwsError('IncompleteSignature', "'Host' must be a signed header.", 400);
  }
  if (headers['x-amz-date'] === undefined && headers.date === undefined) {
    throw new AwsError('IncompleteSignature', "Request must contain a 'X-Amz-Date' or 'Date' header.", 400);
  }
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders };
}

function readPresignedQuery(query: URLSearchParams): SigV4Scope {
  if (query.get('X-Amz-Algorithm') === null) {
    throw new AwsError('MissingAuthenticationToken', 'Missing Authentication Token', 403);
  }
  const credential = QUERY_CREDENTIAL.exec(query.get('X-Amz-Credential') ?? '');
  const signature = query.get('X-Amz-Signature') ?? '';
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !credential || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new AwsError('AuthorizationQueryParametersError', 'Query-string authentication version 4 is malformed.', 400);
  }
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? 'host').split(';');
  return {
    accessKeyId: credential[1],
    date: credential[2],
    region: credential[3],
    service: credential[4],
    signedHeaders,
  };
}

/** Which service an unsigned request was meant for, so its rejection uses that service's wire format. */
export function guessService(headers: IncomingHttpHeaders): 'json' | 'query' | 's3' {
  if (typeof headers['x-amz-target'] === 'string') return 'json';
  const type = headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) return 'query';
  return 's3';
}
