import { BundleScorer, type ScorerOptions } from '../../../models/src/onnx/row-scorer.ts';
import { disableOrtTelemetry } from '../runtime/ort-env.ts';

export interface SwapResult {
  ok: boolean;
  version?: string;
  previousVersion?: string;
  error?: string;
}

export interface SlotEvents {
  swapped?(to: BundleScorer, from: BundleScorer | undefined): void;
  failed?(dir: string, error: string): void;
}

/**
 * Holds the bundle the pipeline scores with. A swap loads and verifies the new bundle completely before the pointer
 * moves, so a decision uses either the old or the new bundle, never a mix; the old one is released once its
 * in-flight scoring is done. A bundle that fails to load never replaces a working one.
 */
export class ModelSlot {
  private scorer: BundleScorer | undefined;
  private swapping: Promise<SwapResult> | undefined;
  lastError: string | undefined;

  constructor(
    private readonly opts: ScorerOptions,
    private readonly events: SlotEvents = {},
  ) {}

  get current(): BundleScorer | undefined {
    return this.scorer;
  }

  /** Tries each directory in order until one loads (installed update, previous update, shipped bundle). */
  async loadFirst(dirs: readonly string[]): Promise<{ dir: string; failures: { dir: string; error: string }[] }> {
    const failures: { dir: string; error: string }[] = [];
    for (const dir of dirs) {
      const r = await this.swapTo(dir);
      if (r.ok) return { dir, failures };
      failures.push({ dir, error: r.error ?? 'unknown error' });
    }
    throw new Error(`no model bundle could be loaded: ${failures.map((f) => `${f.dir}: ${f.error}`).join('; ')}`);
  }

  /** Loads `dir` and makes it current; on failure the current bundle stays. Swaps are serialised. */
  swapTo(dir: string): Promise<SwapResult> {
    const run = async (): Promise<SwapResult> => {
      let next: BundleScorer;
      try {
        disableOrtTelemetry();
        next = await BundleScorer.load(dir, this.opts);
      } catch (err) {
        this.lastError = (err as Error).message;
        this.events.failed?.(dir, this.lastError);
        return { ok: false, error: this.lastError, previousVersion: this.scorer?.version };
      }
      const prev = this.scorer;
      this.scorer = next;
      this.lastError = undefined;
      this.events.swapped?.(next, prev);
      if (prev) void prev.close();
      return { ok: true, version: next.version, previousVersion: prev?.version };
    };
    const p = (this.swapping ?? Promise.resolve()).then(run, run);
    this.swapping = p;
    return p;
  }

  async close(): Promise<void> {
    await this.swapping;
    await this.scorer?.close();
    this.scorer = undefined;
  }
}
