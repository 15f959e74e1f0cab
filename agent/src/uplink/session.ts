import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KvRepo } from '../state/index.ts';
import { backoffMs } from './backoff.ts';
import { type AgentCredential, readCredential, writeCredential } from './credentials.ts';
import { ControlPlaneError, type ControlPlaneHttp } from './http.ts';

export interface Inventory {
  instanceId: string;
  hostname: string;
  instanceType?: string;
  region?: string;
  az?: string;
  agentVersion: string;
  modelVersion?: string;
}

export interface Counters {
  lines: number;
  anomalies: number;
  actions: number;
  spoolDepth: number;
}

export type LinkState = 'starting' | 'needs-enrollment' | 'enrolling' | 'connected' | 'unreachable' | 'stopped';

export interface SessionDeps {
  http: ControlPlaneHttp;
  kv: KvRepo;
  credentialFile: string;
  enrollmentToken?: string;
  enrollmentTokenFile?: string;
  inventory(): Inventory;
  counters(): Counters;
  backoff: { baseMs: number; capMs: number };
  log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
  onRequest?(route: string, status: string): void;
  now?: () => number;
}

const USED_TOKEN_KEY = 'uplink.enrollmentTokenSha256';

/**
 * The agent's standing with the control plane: enrollment with a one-time token (the credential is stored 0600
 * before it is used), heartbeats at the interval the server asks for (skipped, never queued, when they fail), and the
 * reaction to a revoked credential: stop sending and wait for a new enrollment token.
 */
export class UplinkSession {
  state: LinkState = 'starting';
  lastError: string | null = null;
  lastHeartbeatAt: number | null = null;
  private cred: AgentCredential | undefined;
  private intervalMs = 30_000;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private stopped = false;

  constructor(private readonly deps: SessionDeps) {}

  get credential(): string | undefined {
    return this.state === 'needs-enrollment' ? undefined : this.cred?.credential;
  }

  get agentId(): string | null {
    return this.cred?.agentId ?? null;
  }

  async start(): Promise<void> {
    this.cred = readCredential(this.deps.credentialFile);
    await this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
  }

  /** The server refused the credential (revoked, expired, or the host was re-imaged). */
  invalidate(err: ControlPlaneError): void {
    if (this.state === 'needs-enrollment') return;
    this.state = 'needs-enrollment';
    this.lastError = `${err.message}: needs re-enrollment (place a new enrollment token)`;
    this.deps.log('error', 'control plane refused the agent credential; sending stopped until re-enrollment', {
      code: err.code,
    });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    try {
      if (!this.cred || this.state === 'needs-enrollment') await this.tryEnroll();
      if (this.cred && this.state !== 'needs-enrollment') await this.heartbeat();
      this.attempts = 0;
      this.schedule(this.intervalMs);
    } catch (err) {
      const e = err as ControlPlaneError;
      this.lastError = e.message;
      if (e instanceof ControlPlaneError && e.retryable) {
        this.state = this.cred && this.state !== 'needs-enrollment' ? 'unreachable' : this.state;
        this.schedule(
          backoffMs(
            this.attempts++,
            this.deps.backoff.baseMs,
            Math.min(this.deps.backoff.capMs, this.intervalMs * 4),
            e.retryAfterMs,
          ),
        );
      } else this.schedule(this.intervalMs);
    }
  }

  private token(): string | undefined {
    if (this.deps.enrollmentToken) return this.deps.enrollmentToken;
    if (!this.deps.enrollmentTokenFile) return undefined;
    try {
      return readFileSync(this.deps.enrollmentTokenFile, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  private async tryEnroll(): Promise<void> {
    const token = this.token();
    const sha = token ? createHash('sha256').update(token).digest('hex') : undefined;
    if (!token || sha === this.deps.kv.get(USED_TOKEN_KEY)) {
      this.state = 'needs-enrollment';
      this.lastError ??= 'not enrolled: no unused enrollment token configured';
      return;
    }
    this.state = 'enrolling';
    try {
      const res = await this.deps.http.request('POST', '/v1/agents/enroll', {
        body: { token, inventory: this.deps.inventory() },
      });
      this.deps.onRequest?.('/v1/agents/enroll', String(res.status));
      const b = res.body as {
        agentId: string;
        credentialId: string;
        credential: string;
        heartbeatIntervalSeconds?: number;
      };
      const cred: AgentCredential = {
        agentId: b.agentId,
        credentialId: b.credentialId,
        credential: b.credential,
        enrolledAt: this.now(),
      };
      writeCredential(this.deps.credentialFile, cred); // persisted before first use (docs/api.md)
      this.deps.kv.set(USED_TOKEN_KEY, sha!);
      this.cred = cred;
      this.state = 'connected';
      this.lastError = null;
      if (b.heartbeatIntervalSeconds) this.intervalMs = b.heartbeatIntervalSeconds * 1000;
      this.deps.log('info', 'enrolled with the control plane', { agentId: cred.agentId });
    } catch (err) {
      if (err instanceof ControlPlaneError) this.deps.onRequest?.('/v1/agents/enroll', String(err.status ?? 'network'));
      if (err instanceof ControlPlaneError && !err.retryable) {
        this.deps.kv.set(USED_TOKEN_KEY, sha!); // one-time token refused: do not hammer the server with it
        this.state = 'needs-enrollment';
        this.lastError = `enrollment refused: ${err.message}`;
        this.deps.log('error', 'enrollment refused; a new enrollment token is needed', { code: err.code });
        return;
      }
      this.state = 'needs-enrollment';
      throw err;
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      const res = await this.deps.http.request('POST', '/v1/agents/heartbeat', {
        credential: this.cred!.credential,
        body: { inventory: this.deps.inventory(), counters: this.deps.counters(), sentAt: this.now() },
      });
      this.deps.onRequest?.('/v1/agents/heartbeat', String(res.status));
      const b = res.body as { heartbeatIntervalSeconds?: number };
      if (b?.heartbeatIntervalSeconds && b.heartbeatIntervalSeconds >= 1)
        this.intervalMs = b.heartbeatIntervalSeconds * 1000;
      this.state = 'connected';
      this.lastError = null;
      this.lastHeartbeatAt = this.now();
    } catch (err) {
      if (!(err instanceof ControlPlaneError)) throw err;
      this.deps.onRequest?.('/v1/agents/heartbeat', String(err.status ?? 'network'));
      if ((err.status === 401 && err.code === 'invalid_credential') || err.code === 'instance_mismatch') {
        this.invalidate(err);
        return;
      }
      throw err;
    }
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
