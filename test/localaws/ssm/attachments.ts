import { createHash } from 'node:crypto';
import { AwsError } from '../core/errors.ts';
import type { InputReader } from '../core/input.ts';
import type { S3State } from '../s3/store.ts';
import type { Attachment } from './state.ts';

export interface AttachmentSource {
  key: 'SourceUrl' | 'S3FileUrl' | 'AttachmentReference';
  url: string;
  name?: string;
}

const MAX_ATTACHMENTS = 20;

export function readAttachmentSources(r: InputReader): AttachmentSource[] | undefined {
  const list = r.optList('Attachments', MAX_ATTACHMENTS);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    const a: InputReader = r.nested(`Attachments.${i + 1}`, item);
    const key = a.string('Key', {
      oneOf: ['SourceUrl', 'S3FileUrl', 'AttachmentReference'],
    }) as AttachmentSource['key'];
    const values = a.optStringList('Values', 1, { min: 1, max: 1024 });
    if (values?.length !== 1) a.fail('Values', values, 'Member must have length equal to 1');
    return { key, url: values[0], name: a.optString('Name', { pattern: /^[a-zA-Z0-9_\-.]{3,128}$/ }) };
  });
}

/** `s3://bucket/key`, `https://s3[.region].amazonaws.com/bucket/key` or `https://bucket.s3[.region].amazonaws.com/key`. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const s3 = /^s3:\/\/([^/]{3,63})\/?(.*)$/.exec(url);
  if (s3) return { bucket: s3[1], key: s3[2] };
  const pathStyle = /^https:\/\/s3(?:[.-][a-z0-9-]{1,32})?\.amazonaws\.com\/([^/]{3,63})\/?(.*)$/.exec(url);
  if (pathStyle) return { bucket: pathStyle[1], key: decodeURIComponent(pathStyle[2]) };
  const virtual = /^https:\/\/([^/]{3,63})\.s3(?:[.-][a-z0-9-]{1,32})?\.amazonaws\.com\/?(.*)$/.exec(url);
  if (virtual) return { bucket: virtual[1], key: decodeURIComponent(virtual[2]) };
  return undefined;
}

/**
 * Find each manifest file in the attachment sources and check its SHA-256, as Distributor does when it
 * ingests a package. Returns the attachments, or the reason the document version fails.
 */
export function resolveAttachments(
  s3: S3State,
  sources: AttachmentSource[],
  files: Map<string, string>,
  verify: boolean,
): { attachments: Attachment[]; failure?: string } {
  for (const s of sources) {
    if (s.key === 'AttachmentReference') {
      throw new AwsError(
        'InvalidDocumentContent',
        'AttachmentReference attachments are not supported by this local stand-in',
      );
    }
    if (!parseS3Url(s.url))
      throw new AwsError('InvalidDocumentContent', `Attachment URL '${s.url.slice(0, 200)}' is not an S3 URL`);
  }
  const attachments: Attachment[] = [];
  for (const [name, sha256] of files) {
    const location = locate(s3, sources, name);
    if (!location) return { attachments, failure: `No attachment source provides file ${name}` };
    const obj = s3.buckets.get(location.bucket)?.objects.get(location.key);
    if (!obj) {
      if (!verify) {
        attachments.push({ name, ...location, size: 0, sha256 });
        continue;
      }
      return { attachments, failure: `Attachment ${name} was not found at s3://${location.bucket}/${location.key}` };
    }
    const actual = createHash('sha256').update(obj.body).digest('hex');
    if (verify && actual !== sha256) {
      return {
        attachments,
        failure: `Checksum mismatch for ${name}: manifest has sha256 ${sha256}, the object has ${actual}`,
      };
    }
    attachments.push({ name, ...location, size: obj.body.length, sha256: actual });
  }
  return { attachments };
}

/** The first source that holds the file; failing that, the first place it should have been. */
function locate(s3: S3State, sources: AttachmentSource[], file: string): { bucket: string; key: string } | undefined {
  let expected: { bucket: string; key: string } | undefined;
  for (const s of sources) {
    const loc = parseS3Url(s.url)!;
    let candidate: { bucket: string; key: string } | undefined;
    if (s.key === 'S3FileUrl') {
      const base = loc.key.slice(loc.key.lastIndexOf('/') + 1);
      if ((s.name ?? base) === file) candidate = loc;
    } else {
      let end = loc.key.length;
      while (end > 0 && loc.key[end - 1] === '/') end--;
      const prefix = loc.key.slice(0, end);
      candidate = { bucket: loc.bucket, key: prefix === '' ? file : `${prefix}/${file}` };
    }
    if (!candidate) continue;
    if (s3.buckets.get(candidate.bucket)?.objects.has(candidate.key)) return candidate;
    expected ??= candidate;
  }
  return expected;
}
