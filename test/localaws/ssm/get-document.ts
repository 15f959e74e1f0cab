import { createHash } from 'node:crypto';
import { InputReader } from '../core/input.ts';
import { FORMATS, findVersion, requireDocument, statusOf, VERSION_NAME, VERSION_REF } from './documents.ts';
import type { SsmState } from './state.ts';

const reader = (input: Record<string, unknown>) => new InputReader(input, 'ValidationException');

export function getDocument(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const doc = requireDocument(state, r.string('Name'));
  const v = findVersion(doc, r.optString('DocumentVersion', VERSION_REF), r.optString('VersionName', VERSION_NAME));
  r.optString('DocumentFormat', { oneOf: FORMATS }); // content is returned in the format it was stored in
  const s = statusOf(state, v);
  return {
    Name: doc.name,
    CreatedDate: v.createdDate / 1000,
    DisplayName: v.displayName,
    VersionName: v.versionName,
    DocumentVersion: String(v.version),
    Status: s.status,
    StatusInformation: s.information,
    Content: v.content,
    DocumentType: doc.type,
    DocumentFormat: v.format,
    AttachmentsContent: v.attachments.map((a) => ({
      Name: a.name,
      Size: a.size,
      Hash: a.sha256,
      HashType: 'Sha256',
      Url: attachmentUrl(state, a.bucket, a.key),
    })),
  };
}

/** A presigned-style GET URL on the S3 stand-in (query-string SigV4 shape; the stand-in accepts any signature). */
function attachmentUrl(state: SsmState, bucket: string, key: string): string {
  const date = new Date(state.clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const q = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `LOCALSSM/${date.slice(0, 8)}/${state.region}/s3/aws4_request`,
    'X-Amz-Date': date,
    'X-Amz-Expires': '3600',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': createHash('sha256').update(`${bucket}/${key}/${date}`).digest('hex'),
  });
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `${state.endpoint()}/${encodeURIComponent(bucket)}/${path}?${q}`;
}
