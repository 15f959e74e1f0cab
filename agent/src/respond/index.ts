/** The responder's public surface: the agent wires policy, playbooks, an audit sink and the Responder. */
export type { AuditEntry, AuditResult, AuditSink, Decision } from './audit.ts';
export { MemoryAuditSink } from './audit.ts';
export type { BackendKind, FirewallBackend } from './block/backend.ts';
export type { BlockIpPlaybook, BlockPlan } from './block/block-ip.ts';
export { parseIp } from './block/ip.ts';
export { BlockLedger, type BlockRecord } from './block/ledger.ts';
export type { CleanPlan } from './disk/clean-disk.ts';
export { type CommandRunner, execFileRunner } from './exec/run.ts';
export { Guards, killSwitchReason } from './guards.ts';
export { createPlaybooks, type PlaybookDeps, type PlaybookSet } from './playbooks.ts';
export { loadPolicy, type Policy, PolicySchema, parsePolicy, validatePolicyObject } from './policy.ts';
export type { KillPlan } from './process/kill-process.ts';
export { type Recommendation, Responder, type ResponderOptions } from './responder.ts';
export type { ExecResult, Mode, PlanResult, Playbook, VerifyResult } from './types.ts';
