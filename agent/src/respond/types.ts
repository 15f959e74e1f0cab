import type { Anomaly } from '../../../models/src/schema/index.ts';

/** What policy lets a playbook do: nothing, report what it would do, or do it. */
export type Mode = 'off' | 'recommend' | 'auto';

export const PLAYBOOK_NAMES = ['kill-process', 'block-ip', 'clean-disk'] as const;
export type PlaybookName = (typeof PLAYBOOK_NAMES)[number];

/** Flat key/value description of a plan or result, safe to store in the audit log. */
export type Facts = Record<string, string | number | boolean>;

/**
 * A plan names a target the playbook verified itself. `targetKey` identifies it for cooldowns (pid:startTicks, ip,
 * mount). A refusal says why, and which evidence field was wrong when that is the reason.
 */
export type PlanResult<T> =
  | { ok: true; plan: T; targetKey: string; summary: string; facts: Facts }
  | { ok: false; reason: string; field?: string };

export interface ExecResult {
  ok: boolean;
  /** True when nothing on the host was changed on purpose (dry-run backend or dry-run config). */
  dryRun: boolean;
  detail: string;
  facts?: Facts;
}

export interface VerifyResult {
  ok: boolean;
  detail: string;
  facts?: Facts;
}

/** A pre-approved fix. plan() re-verifies every identity from the host itself and never trusts the anomaly. */
export interface Playbook<T> {
  readonly name: PlaybookName;
  appliesTo(anomaly: Anomaly): boolean;
  plan(anomaly: Anomaly): Promise<PlanResult<T>>;
  execute(plan: T): Promise<ExecResult>;
  verify(plan: T): Promise<VerifyResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds playbooks of different plan types
export type AnyPlaybook = Playbook<any>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
