import { lstatSync } from 'node:fs';
import type { Policy, RateConfig } from './policy.ts';
import type { PlaybookName } from './types.ts';

/** Refills continuously at perHour tokens an hour up to burst. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly cfg: RateConfig,
    now: number,
  ) {
    this.tokens = cfg.burst;
    this.last = now;
  }
  available(now: number): number {
    this.tokens = Math.min(this.cfg.burst, this.tokens + ((now - this.last) * this.cfg.perHour) / 3_600_000);
    this.last = now;
    return this.tokens;
  }
  take(now: number): boolean {
    if (this.available(now) < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts actions across every playbook in a sliding window: the most the host lets the agent do at once. */
export class BlastRadius {
  private readonly times: number[] = [];
  constructor(private readonly cfg: Policy['blastRadius']) {}
  full(now: number): boolean {
    const from = now - this.cfg.windowSeconds * 1000;
    while (this.times.length > 0 && this.times[0] <= from) this.times.shift();
    return this.times.length >= this.cfg.maxActions;
  }
  add(now: number): void {
    this.times.push(now);
  }
}

/**
 * Reason the kill switch is engaged, or null. Fails closed: a switch file that cannot be checked (permission,
 * bad parent) counts as present.
 */
export function killSwitchReason(actionsEnabled: boolean, file: string): string | null {
  if (!actionsEnabled) return 'kill switch: actionsEnabled is false in policy';
  try {
    lstatSync(file);
    return `kill switch: ${file} exists`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return `kill switch: cannot check ${file} (${code}), failing closed`;
  }
}

export type Admission = { ok: true } | { ok: false; reason: string };

/**
 * Every limit an action must pass, checked and consumed in one synchronous step so two concurrent anomalies for the
 * same target cannot both get through.
 */
export class Guards {
  private readonly buckets = new Map<PlaybookName, TokenBucket>();
  private readonly cooldownUntil = new Map<string, number>();
  private readonly blast: BlastRadius;

  constructor(
    private readonly policy: Policy,
    private readonly clock: () => number = Date.now,
  ) {
    this.blast = new BlastRadius(policy.blastRadius);
  }

  killSwitch(): string | null {
    return killSwitchReason(this.policy.actionsEnabled, this.policy.killSwitchFile);
  }

  admit(playbook: PlaybookName, targetKey: string): Admission {
    const now = this.clock();
    const stop = this.killSwitch();
    if (stop) return { ok: false, reason: stop };
    const key = `${playbook}\u0000${targetKey}`;
    const until = this.cooldownUntil.get(key) ?? 0;
    if (until > now)
      return {
        ok: false,
        reason: `cooldown: ${playbook} acted on this target, ${Math.ceil((until - now) / 1000)} s left`,
      };
    if (this.blast.full(now)) {
      const b = this.policy.blastRadius;
      return {
        ok: false,
        reason: `blast radius: ${b.maxActions} actions in ${b.windowSeconds} s already taken on this host`,
      };
    }
    const bucket = this.bucket(playbook, now);
    if (!bucket.take(now)) return { ok: false, reason: `rate limit: ${playbook} is out of tokens` };
    this.blast.add(now);
    const cooldown = this.policy.playbooks[playbook].cooldownSeconds * 1000;
    if (cooldown > 0) this.cooldownUntil.set(key, now + cooldown);
    this.pruneCooldowns(now);
    return { ok: true };
  }

  private bucket(playbook: PlaybookName, now: number): TokenBucket {
    let bucket = this.buckets.get(playbook);
    if (!bucket) {
      bucket = new TokenBucket(this.policy.playbooks[playbook].rate, now);
      this.buckets.set(playbook, bucket);
    }
    return bucket;
  }

  private pruneCooldowns(now: number): void {
    if (this.cooldownUntil.size < 4096) return;
    for (const [k, until] of this.cooldownUntil) if (until <= now) this.cooldownUntil.delete(k);
  }
}
