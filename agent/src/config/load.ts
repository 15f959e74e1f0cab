import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { compileValidator, ValidationError } from '../../../models/src/schema/index.ts';
import { loadPolicy, type Policy, validatePolicyObject } from '../respond/index.ts';
import { pathProblem } from '../sources/file/paths.ts';
import { type AgentConfigInput, AgentConfigSchema } from './schema.ts';

/** A validated config with defaults filled in, the policy resolved and derived paths computed. */
export interface AgentConfig extends Omit<AgentConfigInput, 'policy'> {
  policy: Policy;
  /** Where the policy came from, for status and logs. */
  policySource: string;
  /** The file the config was read from ('<inline>' for tests). */
  file: string;
  paths: { stateDb: string; credential: string; bundles: string; deadLetter: string };
  /** Parsed pinned ed25519 keys by keyId. */
  signingKeys: Map<string, KeyObject>;
}

type Problem = { path: string; message: string };
const validate = compileValidator(AgentConfigSchema);
/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/** Parses the YAML text (duplicate keys and anchors bombs refused) and validates it. */
export function parseAgentConfig(text: string, file = '<inline>'): AgentConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new ValidationError(`config ${file}`, [{ path: '', message: `YAML: ${(err as Error).message}` }]);
  }
  return validateAgentConfig(doc ?? {}, file);
}

export function loadAgentConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`config ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parseAgentConfig(text, path.resolve(file));
}

/** Validates a parsed config object. Every error names the key (e.g. `pipeline.decisionIntervalMs`). */
export function validateAgentConfig(value: unknown, file = '<inline>'): AgentConfig {
  const where = `config ${file}`;
  const withDefaults = Value.Default(AgentConfigSchema, structuredClone(value));
  const cfg = validate(withDefaults, where);
  const problems: Problem[] = [];
  checkFilePaths(cfg, problems);
  checkSocket(cfg, problems);
  checkMetrics(cfg, problems);
  const signingKeys = checkControlPlane(cfg, problems);
  const { policy, policySource } = resolvePolicy(cfg, where, problems);
  if (problems.length > 0) throw new ValidationError(where, problems);
  const stateDir = cfg.state.dir;
  return {
    ...cfg,
    policy: policy as Policy,
    policySource,
    file,
    signingKeys,
    paths: {
      stateDb: path.join(stateDir, 'agent.db'),
      credential: cfg.controlPlane?.credentialFile ?? path.join(stateDir, 'credential'),
      bundles: path.join(stateDir, 'bundles'),
      deadLetter: path.join(stateDir, 'dead-letter.jsonl'),
    },
  };
}

function checkFilePaths(cfg: AgentConfigInput, problems: Problem[]): void {
  cfg.sources.files.paths.forEach((p, i) => {
    const why = pathProblem(p.path);
    if (why) problems.push({ path: `sources.files.paths.${i}.path`, message: why });
  });
  if (path.posix.normalize(cfg.root) !== cfg.root && `${path.posix.normalize(cfg.root)}/` !== cfg.root) {
    problems.push({ path: 'root', message: `must be a normalised absolute path, got ${JSON.stringify(cfg.root)}` });
  }
}

function checkSocket(cfg: AgentConfigInput, problems: Problem[]): void {
  if (Buffer.byteLength(cfg.status.socket) > MAX_SOCKET_PATH) {
    problems.push({ path: 'status.socket', message: `longer than ${MAX_SOCKET_PATH} bytes (a Unix socket limit)` });
  }
}

function checkMetrics(cfg: AgentConfigInput, problems: Problem[]): void {
  const port = Number(cfg.metrics.listen.slice(cfg.metrics.listen.lastIndexOf(':') + 1));
  if (port > 65_535) problems.push({ path: 'metrics.listen', message: `port ${port} is not 0-65535` });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function checkControlPlane(cfg: AgentConfigInput, problems: Problem[]): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const cp = cfg.controlPlane;
  if (!cp) return keys;
  let url: URL | undefined;
  try {
    url = new URL(cp.url);
  } catch {
    problems.push({ path: 'controlPlane.url', message: 'not a URL' });
  }
  if (url && url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname) && !cp.allowInsecureHttp) {
    problems.push({ path: 'controlPlane.url', message: 'plain http is only allowed to loopback (use https)' });
  }
  if (url && (url.username || url.password)) {
    problems.push({ path: 'controlPlane.url', message: 'must not carry credentials' });
  }
  if (cp.enrollmentToken && cp.enrollmentTokenFile) {
    problems.push({
      path: 'controlPlane.enrollmentToken',
      message: 'set enrollmentToken or enrollmentTokenFile, not both',
    });
  }
  cp.signingKeys.forEach((k, i) => {
    if (keys.has(k.keyId)) problems.push({ path: `controlPlane.signingKeys.${i}.keyId`, message: 'duplicate keyId' });
    const parsed = parseEd25519PublicKey(k.publicKey);
    if (typeof parsed === 'string') problems.push({ path: `controlPlane.signingKeys.${i}.publicKey`, message: parsed });
    else keys.set(k.keyId, parsed);
  });
  if (cp.bundlePollSeconds > 0 && cp.signingKeys.length === 0) {
    problems.push({
      path: 'controlPlane.signingKeys',
      message:
        'model updates (bundlePollSeconds > 0) need at least one pinned ed25519 key; set bundlePollSeconds: 0 to disable',
    });
  }
  if (cp.backoff.capMs < cp.backoff.baseMs) {
    problems.push({ path: 'controlPlane.backoff.capMs', message: 'must be >= backoff.baseMs' });
  }
  return keys;
}

/** PEM (SPKI) or base64 of the raw 32-byte key; returns the reason when it is not an ed25519 public key. */
export function parseEd25519PublicKey(text: string): KeyObject | string {
  try {
    const trimmed = text.trim();
    const key = trimmed.startsWith('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: rawEd25519Spki(Buffer.from(trimmed, 'base64')), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return `not an ed25519 key (${key.asymmetricKeyType})`;
    return key;
  } catch (err) {
    return `not a public key: ${(err as Error).message}`;
  }
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function rawEd25519Spki(raw: Buffer): Buffer {
  if (raw.length !== 32) throw new Error(`raw ed25519 keys are 32 bytes, got ${raw.length}`);
  return Buffer.concat([ED25519_SPKI_PREFIX, raw]);
}

function resolvePolicy(cfg: AgentConfigInput, where: string, problems: Problem[]) {
  if (cfg.policy !== undefined && cfg.policyFile !== undefined) {
    problems.push({ path: 'policy', message: 'set policy (inline) or policyFile, not both' });
    return { policy: undefined, policySource: '' };
  }
  try {
    if (cfg.policyFile !== undefined) return { policy: loadPolicy(cfg.policyFile), policySource: cfg.policyFile };
    return { policy: validatePolicyObject(cfg.policy ?? {}, where), policySource: cfg.policy ? 'inline' : 'defaults' };
  } catch (err) {
    const inline = cfg.policyFile === undefined;
    if (err instanceof ValidationError) {
      for (const p of err.problems) {
        problems.push(
          inline
            ? { ...p, path: `policy${p.path ? `.${p.path}` : ''}` }
            : { path: 'policyFile', message: `${err.where}: ${p.path}: ${p.message}` },
        );
      }
    } else {
      problems.push({ path: inline ? 'policy' : 'policyFile', message: (err as Error).message });
    }
    return { policy: undefined, policySource: '' };
  }
}
