import type { Clock } from '../core/types.ts';
import type { S3State } from '../s3/store.ts';

export interface DocParameter {
  name: string;
  type: string;
  description?: string;
  defaultValue?: string;
  allowedValues?: string[];
}

export interface Attachment {
  name: string;
  bucket: string;
  key: string;
  size: number;
  sha256: string;
}

export interface DocVersion {
  version: number;
  versionName?: string;
  displayName?: string;
  content: string;
  format: 'JSON' | 'YAML' | 'TEXT';
  /** SHA-256 hex of the content, as DescribeDocument reports it. */
  hash: string;
  createdDate: number;
  /** Until this time the version reads as Creating/Updating; then as `outcome`. */
  readyAt: number;
  outcome: { status: 'Active' | 'Failed'; information?: string };
  initialStatus: 'Creating' | 'Updating';
  schemaVersion?: string;
  description?: string;
  parameters: DocParameter[];
  /** Plugin (step) names, for GetCommandInvocation's PluginName. */
  plugins: string[];
  attachments: Attachment[];
}

export interface SsmDocument {
  name: string;
  type: string;
  owner: string;
  targetType?: string;
  tags: { Key: string; Value: string }[];
  defaultVersion: number;
  versions: DocVersion[];
}

export interface ManagedInstance {
  instanceId: string;
  tags: Record<string, string>;
  name?: string;
}

export type InvocationStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';

export interface InvocationOutcome {
  status: InvocationStatus;
  output?: string;
  error?: string;
  responseCode?: number;
}

export interface InvocationContext {
  commandId: string;
  instanceId: string;
  documentName: string;
  documentVersion: string;
  parameters: Record<string, string[]>;
  state: SsmState;
}

export type InvocationResultProvider = (ctx: InvocationContext) => InvocationOutcome;

export interface Invocation {
  instanceId: string;
  instanceName?: string;
  outcome: InvocationOutcome;
  startedAt: number;
  finishedAt: number;
}

export interface CommandRecord {
  commandId: string;
  documentName: string;
  documentVersion: string;
  comment?: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  targets: { Key: string; Values: string[] }[];
  requestedAt: number;
  timeoutSeconds?: number;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  maxConcurrency: string;
  maxErrors: string;
  plugins: string[];
  invocations: Invocation[];
  /** The raw SendCommand input, for assertions. */
  input: Record<string, unknown>;
}

export interface SsmOptions {
  /** How long a new document version reads as Creating/Updating before Active or Failed (default 0). */
  documentActivationDelayMs?: number;
  /** How long an invocation stays InProgress before its outcome shows (default 0). */
  commandLatencyMs?: number;
  /** Check Package attachments against the S3 stand-in (default true). */
  verifyAttachments?: boolean;
}

/** SSM documents, the managed-instance fleet, and every command sent, with a settable command outcome. */
export class SsmState {
  readonly documents = new Map<string, SsmDocument>();
  readonly instances = new Map<string, ManagedInstance>();
  readonly commands = new Map<string, CommandRecord>();
  invocationResult: InvocationResultProvider | undefined;

  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly clock: Clock,
    readonly s3: S3State,
    readonly options: Required<SsmOptions>,
    /** The stand-in's endpoint, for the attachment URLs GetDocument returns. */
    readonly endpoint: () => string,
  ) {}

  /** Add a managed instance that SendCommand can target by id or tag. */
  registerInstance(instance: ManagedInstance): void {
    if (!/^(i|mi)-[0-9a-f]{8,17}$/.test(instance.instanceId)) {
      throw new RangeError(`registerInstance: '${instance.instanceId}' is not an EC2 (i-...) or managed (mi-...) id`);
    }
    this.instances.set(instance.instanceId, instance);
  }

  /** Decide each invocation's outcome (default: the built-in behaviour, Success unless a package is missing). */
  setInvocationResult(provider: InvocationResultProvider | InvocationOutcome | undefined): void {
    this.invocationResult = typeof provider === 'object' ? () => provider : provider;
  }

  /** Commands in the order they were sent. */
  sentCommands(): CommandRecord[] {
    return [...this.commands.values()];
  }
}
