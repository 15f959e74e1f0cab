import { networkInterfaces } from 'node:os';
import type { Anomaly } from '../../../../models/src/schema/index.ts';
import type { BlockIpConfig } from '../policy.ts';
import type { ExecResult, PlanResult, Playbook, VerifyResult } from '../types.ts';
import type { FirewallBackend } from './backend.ts';
import { compileCidrs, type IpParse, inCidrs, parseIp, unblockableRange, type ValidIp } from './ip.ts';
import { BlockLedger, type BlockRecord } from './ledger.ts';
import { establishedPeers } from './ssh-peers.ts';

export interface BlockPlan {
  ip: ValidIp;
  ttlSeconds: number;
  anomalyId: string;
}

export interface BlockIpDeps {
  backend: FirewallBackend;
  ledger?: BlockLedger;
  /** Where tcp and tcp6 live; /proc/<pid>/net reads another network namespace. */
  procNet?: string;
  clock?: () => number;
  /** This host's own addresses (never blocked). */
  localAddresses?: () => string[];
  /** The caller's check that failures from the address stopped after the block (e.g. auth.log quiet). */
  confirmQuiet?: (ip: string) => Promise<boolean>;
}

export interface BlockIpPlaybook extends Playbook<BlockPlan> {
  readonly backend: FirewallBackend;
  /** For the CLI: removes a block now. */
  unblock(ip: string): Promise<{ ok: boolean; detail: string }>;
  /** Live blocks, soonest expiry first. */
  status(): BlockRecord[];
}

export function createBlockIp(cfg: BlockIpConfig, deps: BlockIpDeps): BlockIpPlaybook {
  const { backend } = deps;
  const clock = deps.clock ?? Date.now;
  const ledger = deps.ledger ?? new BlockLedger(clock);
  const allow = compileCidrs(cfg.allowCidrs);
  const local = deps.localAddresses ?? hostAddresses;

  /** Every reason an address must stay reachable; read fresh each time (SSH sessions come and go). */
  function unsafe(parsed: Extract<IpParse, { ok: true }>): string | null {
    const range = unblockableRange(parsed.addr);
    if (range) return `never blocked: ${range}`;
    const cidr = inCidrs(parsed.addr, allow);
    if (cidr) return `never blocked: inside allowlisted ${cidr[0].toString()}/${cidr[1]}`;
    if (local().includes(parsed.ip.text)) return 'never blocked: an address of this host';
    if (establishedPeers(cfg.sshPorts, deps.procNet).has(parsed.ip.text)) {
      return `never blocked: has an established SSH session (ports ${cfg.sshPorts.join(',')})`;
    }
    return null;
  }

  async function plan(anomaly: Anomaly): Promise<PlanResult<BlockPlan>> {
    const fromTargets = anomaly.evidence.targets?.ip;
    const field = fromTargets !== undefined ? 'evidence.targets.ip' : 'entity.id';
    const raw = fromTargets ?? (anomaly.entity.kind === 'ip' ? anomaly.entity.id : undefined);
    if (raw === undefined)
      return { ok: false, field, reason: 'no IP: evidence.targets.ip missing and entity is not an ip' };
    const parsed = parseIp(raw);
    if (!parsed.ok) return { ok: false, field, reason: `${field}: ${parsed.reason}` };
    const why = unsafe(parsed);
    if (why) return { ok: false, reason: `${parsed.ip.text} ${why}` };
    const existing = ledger.get(parsed.ip.text);
    // Trust the kernel over the ledger: a flushed ruleset means the address is no longer blocked.
    if (existing && !(await backend.isBlocked(parsed.ip))) ledger.remove(parsed.ip.text);
    else if (existing)
      return {
        ok: false,
        reason: `${parsed.ip.text} already blocked until ${new Date(existing.expiresAt).toISOString()}`,
      };
    const live = ledger.active().length;
    if (live >= cfg.maxConcurrent)
      return { ok: false, reason: `block cap reached: ${live} of ${cfg.maxConcurrent} active` };
    const ip = parsed.ip;
    return {
      ok: true,
      plan: { ip, ttlSeconds: cfg.ttlSeconds, anomalyId: anomaly.id },
      targetKey: ip.text,
      summary: `block ${ip.text} for ${cfg.ttlSeconds} s (${backend.kind})`,
      facts: { ip: ip.text, ttlSeconds: cfg.ttlSeconds, backend: backend.kind },
    };
  }

  async function execute(p: BlockPlan): Promise<ExecResult> {
    const again = parseIp(p.ip.text);
    if (!again.ok) return { ok: false, dryRun: false, detail: again.reason };
    const why = unsafe(again);
    if (why) return { ok: false, dryRun: false, detail: `refused at execution: ${p.ip.text} ${why}` };
    if (ledger.active().length >= cfg.maxConcurrent) return { ok: false, dryRun: false, detail: 'block cap reached' };
    await backend.ensure();
    await backend.block(p.ip, p.ttlSeconds);
    const since = clock();
    ledger.add({
      ip: p.ip.text,
      since,
      expiresAt: since + p.ttlSeconds * 1000,
      backend: backend.kind,
      anomalyId: p.anomalyId,
    });
    const dryRun = backend.kind === 'dry-run';
    return {
      ok: true,
      dryRun,
      detail: `${dryRun ? 'DRY RUN: would block' : 'blocked'} ${p.ip.text} for ${p.ttlSeconds} s via ${backend.kind}`,
      facts: { backend: backend.kind, expiresAt: since + p.ttlSeconds * 1000 },
    };
  }

  async function verify(p: BlockPlan): Promise<VerifyResult> {
    const inSet = await backend.isBlocked(p.ip);
    if (!inSet) return { ok: false, detail: `${p.ip.text} is not in the ${backend.kind} set`, facts: { inSet } };
    if (!deps.confirmQuiet) return { ok: true, detail: `${p.ip.text} is in the ${backend.kind} set`, facts: { inSet } };
    const quiet = await deps.confirmQuiet(p.ip.text);
    const detail = quiet ? `${p.ip.text} is blocked and went quiet` : `${p.ip.text} is in the set but still active`;
    return { ok: quiet, detail, facts: { inSet, quiet } };
  }

  async function unblock(text: string) {
    const parsed = parseIp(text);
    if (!parsed.ok) return { ok: false, detail: parsed.reason };
    const removed = await backend.unblock(parsed.ip);
    const known = ledger.remove(parsed.ip.text);
    const detail = removed || known ? `unblocked ${parsed.ip.text}` : `${parsed.ip.text} was not blocked`;
    return { ok: removed || known, detail };
  }

  return {
    name: 'block-ip',
    backend,
    appliesTo: (a) =>
      (cfg.anomalyTypes as string[]).includes(a.type) &&
      (a.evidence.targets?.ip !== undefined || a.entity.kind === 'ip'),
    plan,
    execute,
    verify,
    unblock,
    status: () => ledger.active(),
  };
}

function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const parsed = parseIp(a.address);
      if (parsed.ok) out.push(parsed.ip.text);
    }
  }
  return out;
}
