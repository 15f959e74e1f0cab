import { createHash } from 'node:crypto';
import { AwsError } from '../core/errors.ts';
import { InputReader } from '../core/input.ts';
import { readAttachmentSources, resolveAttachments } from './attachments.ts';
import { type ParsedContent, parseCommandDocument, parsePackageManifest } from './content.ts';
import type { DocVersion, SsmDocument, SsmState } from './state.ts';

const DOC_NAME = { pattern: /^[a-zA-Z0-9_\-.:/]{3,128}$/ };
const NEW_DOC_NAME = { pattern: /^[a-zA-Z0-9_\-.]{3,128}$/ };
export const VERSION_NAME = { pattern: /^[a-zA-Z0-9_\-.]{1,128}$/ };
export const VERSION_REF = { pattern: /^(\$LATEST|\$DEFAULT|[1-9][0-9]{0,8})$/ };
export const FORMATS = ['JSON', 'YAML', 'TEXT'];
const TYPES = ['Command', 'Package', 'Automation', 'Policy', 'Session', 'ApplicationConfiguration', 'ChangeCalendar'];
const MAX_CONTENT_BYTES = 64 * 1024;
const MAX_VERSIONS = 1000;

const reader = (input: Record<string, unknown>) => new InputReader(input, 'ValidationException');

export function statusOf(state: SsmState, v: DocVersion): { status: string; information?: string } {
  if (state.clock.now() < v.readyAt) return { status: v.initialStatus };
  return { status: v.outcome.status, information: v.outcome.information };
}

export function requireDocument(state: SsmState, name: string): SsmDocument {
  const doc = state.documents.get(name.replace(/^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:document\//, ''));
  if (!doc) throw new AwsError('InvalidDocument', `Document with name ${name} does not exist.`);
  return doc;
}

/** `$DEFAULT`/`$LATEST`/a number, or a VersionName; no selector means the default version. */
export function findVersion(doc: SsmDocument, ref?: string, versionName?: string): DocVersion {
  let v: DocVersion | undefined;
  if (versionName !== undefined)
    v = doc.versions.find((x) => x.versionName === versionName && (ref === undefined || String(x.version) === ref));
  else if (ref === undefined || ref === '$DEFAULT') v = doc.versions.find((x) => x.version === doc.defaultVersion);
  else if (ref === '$LATEST') v = doc.versions[doc.versions.length - 1];
  else v = doc.versions.find((x) => String(x.version) === ref);
  if (!v)
    throw new AwsError(
      'InvalidDocumentVersion',
      `The document version is not valid or does not exist for ${doc.name}.`,
    );
  return v;
}

function parseContent(type: string, content: string, format: string): ParsedContent {
  if (Buffer.byteLength(content) > MAX_CONTENT_BYTES)
    throw new AwsError('MaxDocumentSizeExceeded', 'The size limit of a document is 64 KB.');
  if (type === 'Package') return parsePackageManifest(content, format);
  if (type === 'Command') return parseCommandDocument(content, format);
  return { parameters: [], plugins: [] }; // other types are stored as given
}

/** Build a version; a Package's attachments are checked against the S3 stand-in and decide Active vs Failed. */
function buildVersion(
  state: SsmState,
  doc: SsmDocument,
  r: InputReader,
  number: number,
  previous?: DocVersion,
): DocVersion {
  const content = r.string('Content', { min: 1 });
  const format = (r.optString('DocumentFormat', { oneOf: FORMATS }) ??
    previous?.format ??
    'JSON') as DocVersion['format'];
  const parsed = parseContent(doc.type, content, format);
  const sources = readAttachmentSources(r);
  let attachments = previous?.attachments ?? [];
  let failure: string | undefined;
  if (parsed.manifest) {
    if (!sources && !previous) throw new AwsError('InvalidDocumentContent', 'Package documents need Attachments');
    if (sources)
      ({ attachments, failure } = resolveAttachments(
        state.s3,
        sources,
        parsed.manifest.files,
        state.options.verifyAttachments,
      ));
  }
  const versionName = r.optString('VersionName', VERSION_NAME) ?? parsed.manifest?.version;
  if (versionName !== undefined && doc.versions.some((x) => x.versionName === versionName)) {
    throw new AwsError(
      'DuplicateDocumentVersionName',
      `The version name ${versionName} has already been used in this document. Specify a different version name, and then try again.`,
    );
  }
  const now = state.clock.now();
  return {
    version: number,
    versionName,
    displayName: r.optString('DisplayName', { max: 1024 }) ?? previous?.displayName,
    content,
    format,
    hash: createHash('sha256').update(content).digest('hex'),
    createdDate: now,
    readyAt: now + state.options.documentActivationDelayMs,
    outcome: failure ? { status: 'Failed', information: failure } : { status: 'Active' },
    initialStatus: previous ? 'Updating' : 'Creating',
    schemaVersion: parsed.schemaVersion,
    description: parsed.description,
    parameters: parsed.parameters,
    plugins: parsed.plugins,
    attachments,
  };
}

export function describe(state: SsmState, doc: SsmDocument, v: DocVersion, status?: string) {
  const s = statusOf(state, v);
  return {
    Sha1: v.hash,
    Hash: v.hash,
    HashType: 'Sha256',
    Name: doc.name,
    DisplayName: v.displayName,
    VersionName: v.versionName,
    Owner: doc.owner,
    CreatedDate: v.createdDate / 1000,
    Status: status ?? s.status,
    StatusInformation: status ? undefined : s.information,
    DocumentVersion: String(v.version),
    Description: v.description,
    Parameters: v.parameters.map((p) => ({
      Name: p.name,
      Type: p.type,
      Description: p.description,
      DefaultValue: p.defaultValue,
    })),
    PlatformTypes: doc.type === 'Command' ? ['Linux', 'MacOS'] : [],
    DocumentType: doc.type,
    SchemaVersion: v.schemaVersion,
    LatestVersion: String(doc.versions[doc.versions.length - 1].version),
    DefaultVersion: String(doc.defaultVersion),
    DocumentFormat: v.format,
    TargetType: doc.targetType,
    Tags: doc.tags,
    AttachmentsInformation: v.attachments.map((a) => ({ Name: a.name })),
  };
}

export function createDocument(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const name = r.string('Name', NEW_DOC_NAME);
  if (/^(aws|amazon|amzn)/i.test(name))
    throw new AwsError('ValidationException', `Document names cannot start with aws, amazon or amzn: ${name}`);
  if (state.documents.has(name)) throw new AwsError('DocumentAlreadyExists', 'Document with same name already exists.');
  const type = r.optString('DocumentType', { oneOf: TYPES }) ?? 'Command';
  const tagList = (r.optList('Tags', 1000) ?? []).map((t, i) => {
    const tr = r.nested(`Tags.${i + 1}`, t);
    return { Key: tr.string('Key', { min: 1, max: 128 }), Value: tr.string('Value', { max: 256 }) };
  });
  const doc: SsmDocument = {
    name,
    type,
    owner: state.accountId,
    targetType: r.optString('TargetType', { max: 200 }),
    tags: tagList,
    defaultVersion: 1,
    versions: [],
  };
  const version = buildVersion(state, doc, r, 1);
  doc.versions.push(version);
  state.documents.set(name, doc);
  return { DocumentDescription: describe(state, doc, version, 'Creating') };
}

export function updateDocument(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const doc = requireDocument(state, r.string('Name', DOC_NAME));
  if (doc.owner === 'Amazon')
    throw new AwsError('InvalidDocumentOperation', 'You can not update documents owned by Amazon.');
  const latest = doc.versions[doc.versions.length - 1];
  const ref = r.optString('DocumentVersion', VERSION_REF);
  if (ref !== undefined && ref !== '$LATEST' && ref !== String(latest.version)) {
    throw new AwsError(
      'InvalidDocumentVersion',
      'Only the latest version of a document can be updated; specify $LATEST or the latest version number.',
    );
  }
  if (doc.versions.length >= MAX_VERSIONS)
    throw new AwsError(
      'DocumentVersionLimitExceeded',
      'The document has too many versions. Delete one or more document versions and try again.',
    );
  const hash = createHash('sha256')
    .update(r.string('Content', { min: 1 }))
    .digest('hex');
  if (doc.versions.some((v) => v.hash === hash)) {
    throw new AwsError(
      'DuplicateDocumentContent',
      'The content of the association document matches another document. Change the content of the document and try again.',
    );
  }
  if (r.optString('TargetType') !== undefined) doc.targetType = r.optString('TargetType', { max: 200 });
  const version = buildVersion(state, doc, r, latest.version + 1, latest);
  doc.versions.push(version);
  return { DocumentDescription: describe(state, doc, version, 'Updating') };
}

export function describeDocument(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const doc = requireDocument(state, r.string('Name'));
  const v = findVersion(doc, r.optString('DocumentVersion', VERSION_REF), r.optString('VersionName', VERSION_NAME));
  return { Document: describe(state, doc, v) };
}

export function updateDocumentDefaultVersion(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const doc = requireDocument(state, r.string('Name', DOC_NAME));
  const v = findVersion(doc, r.string('DocumentVersion', VERSION_REF));
  if (statusOf(state, v).status !== 'Active') {
    throw new AwsError(
      'InvalidDocumentVersion',
      `Version ${v.version} of ${doc.name} is not Active and cannot be the default.`,
    );
  }
  doc.defaultVersion = v.version;
  return { Description: { Name: doc.name, DefaultVersion: String(v.version), DefaultVersionName: v.versionName } };
}

export function listDocumentVersions(state: SsmState, input: Record<string, unknown>) {
  const r = reader(input);
  const doc = requireDocument(state, r.string('Name'));
  const max = r.optInt('MaxResults', { min: 1, max: 50 }) ?? 50;
  const after = Number(r.optString('NextToken', { pattern: /^\d{1,9}$/ }) ?? 0);
  const page = doc.versions.filter((v) => v.version > after).slice(0, max);
  const last = page[page.length - 1];
  return {
    DocumentVersions: page.map((v) => ({
      Name: doc.name,
      DisplayName: v.displayName,
      DocumentVersion: String(v.version),
      VersionName: v.versionName,
      CreatedDate: v.createdDate / 1000,
      IsDefaultVersion: v.version === doc.defaultVersion,
      DocumentFormat: v.format,
      Status: statusOf(state, v).status,
      StatusInformation: statusOf(state, v).information,
    })),
    NextToken: last && last.version < doc.versions[doc.versions.length - 1].version ? String(last.version) : undefined,
  };
}

export function deleteDocument(state: SsmState, input: Record<string, unknown>): void {
  const r = reader(input);
  const doc = requireDocument(state, r.string('Name', DOC_NAME));
  if (doc.owner === 'Amazon')
    throw new AwsError('InvalidDocumentOperation', 'You can not delete documents owned by Amazon.');
  const ref = r.optString('DocumentVersion', VERSION_REF);
  const versionName = r.optString('VersionName', VERSION_NAME);
  if (ref === undefined && versionName === undefined) {
    state.documents.delete(doc.name);
    return;
  }
  const v = findVersion(doc, ref, versionName);
  if (v.version === doc.defaultVersion)
    throw new AwsError('InvalidDocumentOperation', 'The default version of a document cannot be deleted.');
  doc.versions.splice(doc.versions.indexOf(v), 1);
}
