import { entitiesOf, entityKey } from '../../../models/src/features/entities.ts';
import type { EntityRef, LogEvent } from '../../../models/src/schema/index.ts';

interface Seen {
  window: number;
  /** Events in the current window. */
  n: number;
  /** n when the entity's open window was last scored. */
  scoredN: number;
  scoredAt: number;
  /** An anomaly was raised for this window: nothing more to decide until the window closes. */
  flagged: boolean;
  evicted: boolean;
}

/**
 * Which entities' open windows are worth scoring again. An entity is rescored when its event count in the window has
 * doubled since it was last scored, or when it changed and was last scored rescoreMs ago; never again in a window it
 * was already flagged in (one anomaly per entity and window). A burst is scored at once (its first decision sees it
 * whole); a steady trickle costs O(log n) scorings per window plus one per rescoreMs. The table is bounded; an
 * evicted entity is simply scored again when it next changes. Closed windows are always scored, by the pipeline.
 */
export class RescorePolicy {
  private readonly seen = new Map<string, Seen>();
  /** The engine hands the same ref object for an entity on every snapshot: look it up once. */
  private readonly byRef = new WeakMap<EntityRef, Seen>();
  private readonly scratch: EntityRef[] = [];
  private changed = 0;

  constructor(
    private readonly windowMs: number,
    private readonly rescoreMs: number,
    private readonly max: number,
  ) {}

  /** Counts an event for every entity it speaks about. */
  observe(e: LogEvent): void {
    const w = Math.floor(e.ts / this.windowMs);
    for (const ref of entitiesOf(e, this.scratch)) {
      const key = entityKey(ref.kind, ref.id);
      let s = this.seen.get(key);
      if (!s) {
        if (this.seen.size >= this.max) this.evictOldest();
        s = { window: w, n: 0, scoredN: 0, scoredAt: 0, flagged: false, evicted: false };
        this.seen.set(key, s);
      } else if (w > s.window) {
        s.window = w;
        s.n = 0;
        s.scoredN = 0;
        s.flagged = false;
      }
      s.n++;
    }
    this.changed++;
  }

  /** An anomaly was raised for this entity's window. */
  flag(ref: EntityRef, windowStart: number): void {
    const s = this.lookup(ref);
    if (s && s.window === Math.floor(windowStart / this.windowMs)) s.flagged = true;
  }

  /** True when nothing was observed since the last pick. */
  get idle(): boolean {
    return this.changed === 0;
  }

  /** A snapshot filter: picks the entities to score now and marks them scored. */
  picker(now: number): (ref: EntityRef) => boolean {
    this.changed = 0;
    return (ref) => {
      const s = this.lookup(ref);
      if (!s || s.flagged || s.n === s.scoredN) return false;
      if (s.n < 2 * s.scoredN && now - s.scoredAt < this.rescoreMs) {
        this.changed++; // still pending: keep the next decision looking
        return false;
      }
      s.scoredN = s.n;
      s.scoredAt = now;
      return true;
    };
  }

  private lookup(ref: EntityRef): Seen | undefined {
    const cached = this.byRef.get(ref);
    if (cached && !cached.evicted) return cached;
    const s = this.seen.get(entityKey(ref.kind, ref.id));
    if (s) this.byRef.set(ref, s);
    return s;
  }

  private evictOldest(): void {
    const key = this.seen.keys().next().value!;
    this.seen.get(key)!.evicted = true;
    this.seen.delete(key);
  }
}
