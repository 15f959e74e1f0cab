import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.ts';
import type { Clock } from '../core/types.ts';
import { el } from '../core/xml.ts';

export interface Topic {
  name: string;
  arn: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface PublishedMessage {
  messageId: string;
  topicArn?: string;
  phoneNumber?: string;
  message: string;
  subject?: string;
  messageStructure?: string;
  messageAttributes: Record<string, MessageAttribute>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sequenceNumber?: string;
  at: number;
}

const MAX_MESSAGE_BYTES = 262_144;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/** SNS topics and every message published to them, for tests and the demo to read back. */
export class SnsState {
  readonly topics = new Map<string, Topic>();
  readonly published: PublishedMessage[] = [];
  private readonly listeners = new Set<(m: PublishedMessage) => void>();
  private fifoSequence = 0n;

  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly clock: Clock,
  ) {}

  /** Be told of each published message (the demo shows alerts this way). Returns an unsubscribe function. */
  onPublish(listener: (m: PublishedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(m: PublishedMessage): void {
    this.published.push(m);
    for (const listener of this.listeners) listener(m);
  }

  nextSequenceNumber(): string {
    this.fifoSequence += 1n;
    return String(10_000_000_000_000_000_000n + this.fifoSequence);
  }
}

function invalid(detail: string): never {
  throw new AwsError('InvalidParameter', `Invalid parameter: ${detail}`, 400);
}

/** Query maps/lists arrive flattened: `Attributes.entry.1.key=...&Attributes.entry.1.value=...`. */
function readEntries(form: URLSearchParams, prefix: string, keyName: string, valueName: string) {
  const out: [string, string][] = [];
  for (let i = 1; form.has(`${prefix}.${i}.${keyName}`); i++) {
    out.push([form.get(`${prefix}.${i}.${keyName}`)!, form.get(`${prefix}.${i}.${valueName}`) ?? '']);
  }
  return out;
}

export function createTopic(state: SnsState, form: URLSearchParams): string {
  const name = form.get('Name') ?? '';
  const attributes = Object.fromEntries(readEntries(form, 'Attributes.entry', 'key', 'value'));
  const fifo = attributes.FifoTopic === 'true';
  const base = name.endsWith('.fifo') ? name.slice(0, -5) : name;
  if (!TOPIC_NAME.test(base) || name.length > 256 || fifo !== name.endsWith('.fifo')) {
    invalid(
      'Topic Name' +
        (fifo || name.endsWith('.fifo') ? ': FIFO topic names must end with .fifo and set FifoTopic=true' : ''),
    );
  }
  const arn = `arn:aws:sns:${state.region}:${state.accountId}:${name}`;
  if (!state.topics.has(arn)) {
    const tags = Object.fromEntries(readEntries(form, 'Tags.member', 'Key', 'Value'));
    state.topics.set(arn, { name, arn, attributes, tags });
  }
  return arn;
}

export function deleteTopic(state: SnsState, form: URLSearchParams): void {
  state.topics.delete(form.get('TopicArn') ?? '');
}

export function listTopics(state: SnsState, form: URLSearchParams): string {
  const arns = [...state.topics.keys()].sort();
  const token = form.get('NextToken');
  const start = token ? arns.findIndex((a) => a > token) : 0;
  const page = start < 0 ? [] : arns.slice(start, start + 100);
  const next = start >= 0 && arns.length > start + 100 ? page[page.length - 1] : undefined;
  return `<Topics>${page.map((a) => `<member>${el('TopicArn', a)}</member>`).join('')}</Topics>${el('NextToken', next)}`;
}

function readMessageAttributes(form: URLSearchParams): Record<string, MessageAttribute> {
  const out: Record<string, MessageAttribute> = Object.create(null);
  for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
    const p = `MessageAttributes.entry.${i}`;
    const name = form.get(`${p}.Name`)!;
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || /^(aws\.|amazon\.)/i.test(name) || name.includes('..')) {
      invalid(`The message attribute name '${name.slice(0, 64)}' is invalid.`);
    }
    const type = form.get(`${p}.Value.DataType`) ?? '';
    if (!/^(String|Number|Binary)(\.[A-Za-z0-9_.-]{1,200})?$/.test(type) && type !== 'String.Array') {
      invalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const value = {
      DataType: type,
      StringValue: form.get(`${p}.Value.StringValue`) ?? undefined,
      BinaryValue: form.get(`${p}.Value.BinaryValue`) ?? undefined,
    };
    if (value.StringValue === undefined && value.BinaryValue === undefined)
      invalid(`The message attribute '${name}' must contain non-empty message attribute value.`);
    out[name] = value;
  }
  if (Object.keys(out).length > 10) invalid('Number of message attributes [>10] exceeds the allowed maximum [10].');
  return out;
}

function checkSubject(subject: string | null): void {
  if (subject === null) return;
  // printable ASCII, no line breaks, at most 100 characters, as the Publish reference requires
  if (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)) invalid('Subject');
}

export function publish(state: SnsState, form: URLSearchParams): { messageId: string; sequenceNumber?: string } {
  const topicArn = form.get('TopicArn') ?? form.get('TargetArn') ?? undefined;
  const phoneNumber = form.get('PhoneNumber') ?? undefined;
  if ((topicArn === undefined) === (phoneNumber === undefined)) {
    invalid('TopicArn or TargetArn Reason: exactly one of TopicArn, TargetArn or PhoneNumber must be given');
  }
  const message = form.get('Message');
  if (!message) invalid('Message Reason: Empty message');
  const subject = form.get('Subject');
  checkSubject(subject);
  const attributes = readMessageAttributes(form);
  const bytes =
    Buffer.byteLength(message) +
    Object.entries(attributes).reduce(
      (n, [k, v]) =>
        n +
        Buffer.byteLength(k) +
        Buffer.byteLength(v.DataType) +
        Buffer.byteLength(v.StringValue ?? v.BinaryValue ?? ''),
      0,
    );
  if (bytes > MAX_MESSAGE_BYTES) invalid('Message too long');
  const structure = form.get('MessageStructure') ?? undefined;
  if (structure !== undefined) checkJsonStructure(structure, message);
  let topic: Topic | undefined;
  if (topicArn !== undefined) {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/.test(topicArn)) invalid('TopicArn');
    topic = state.topics.get(topicArn);
    if (!topic) throw new AwsError('NotFound', 'Topic does not exist', 404);
  }
  const fifo = topic?.attributes.FifoTopic === 'true';
  const groupId = form.get('MessageGroupId') ?? undefined;
  const dedupId = form.get('MessageDeduplicationId') ?? undefined;
  if (fifo && !groupId) invalid('The MessageGroupId parameter is required for FIFO topics');
  if (fifo && !dedupId && topic?.attributes.ContentBasedDeduplication !== 'true') {
    invalid(
      'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
  const sent: PublishedMessage = {
    messageId: randomUUID(),
    topicArn,
    phoneNumber,
    message,
    subject: subject ?? undefined,
    messageStructure: structure,
    messageAttributes: attributes,
    messageGroupId: groupId,
    messageDeduplicationId: dedupId,
    sequenceNumber: fifo ? state.nextSequenceNumber() : undefined,
    at: state.clock.now(),
  };
  state.record(sent);
  return { messageId: sent.messageId, sequenceNumber: sent.sequenceNumber };
}

function checkJsonStructure(structure: string, message: string): void {
  if (structure !== 'json') invalid('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    invalid('Message Structure - JSON message body failed to parse');
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof (parsed as Record<string, unknown>).default !== 'string'
  ) {
    invalid('Message Structure - No default entry in JSON message body');
  }
}
