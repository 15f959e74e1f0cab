import { readdir } from 'node:fs/promises';
import path from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';
import { ValidationError } from '../../../../models/src/schema/validate.ts';
import type { CheckpointStore } from '../../state/checkpoints.ts';
import type { LineBatch, Sink, Source, SourceIssue, SourceStats } from '../source.ts';
import { FILE_SOURCE_DEFAULTS, type FileSourceConfig } from './config.ts';
import type { LineIssue } from './line-reader.ts';
import type { OpenFile, ReadBatch } from './open-file.ts';
import {
  DEFAULT_PATHS,
  kindFor,
  type PathPattern,
  pathProblem,
  type ResolvedPattern,
  resolvePattern,
} from './paths.ts';
import type { TailContext, TailOptions } from './tail-context.ts';
import { TrackedPath } from './tracked-path.ts';

export interface FileSourceDeps {
  checkpoints: CheckpointStore;
  now?: () => number;
}

const COUNTERS = [
  'lines',
  'batches',
  'bytes',
  'acked',
  'lineTooLong',
  'invalidUtf8',
  'truncations',
  'rotations',
  'generationsRecovered',
  'partialFlushed',
  'rotatedLost',
  'readErrors',
  'watchErrors',
  'claimConflicts',
  'pauses',
] as const;

/** Checks what the schema cannot: each configured path is absolute, with no `..`, wildcards in the name only. */
export function checkFilePaths(cfg: FileSourceConfig): void {
  const problems = (cfg.paths ?? []).flatMap((p, i) => {
    const why = pathProblem(p.path);
    return why ? [{ path: `paths.${i}.path`, message: why }] : [];
  });
  if (problems.length > 0) throw new ValidationError(`source ${cfg.id}`, problems);
}

/**
 * Tails auth/syslog files. chokidar only says *when* to look (and a poll timer backs it up); content is read by our
 * own positional reader, so offsets, rotation and checkpoints stay exact.
 */
export class FileSource implements Source, TailContext {
  readonly kind = 'file' as const;
  readonly id: string;
  readonly opts: TailOptions;
  readonly store: CheckpointStore;
  readonly now: () => number;
  private readonly cfg: typeof FILE_SOURCE_DEFAULTS;
  private readonly patterns: ResolvedPattern[];
  private readonly trackers = new Map<string, TrackedPath>();
  private readonly claims = new Map<string, TrackedPath>();
  private readonly counters: Record<string, number> = Object.fromEntries(COUNTERS.map((c) => [c, 0]));
  private readonly watchedDirs = new Set<string>();
  private sink: Sink | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlightBatches = 0;
  private inFlightBytes = 0;
  private resumeQueued = false;
  startedNs = 0n;

  constructor(config: FileSourceConfig, deps: FileSourceDeps) {
    checkFilePaths(config);
    this.id = config.id;
    this.cfg = { ...FILE_SOURCE_DEFAULTS, ...stripUndefined(config) };
    this.opts = this.cfg;
    this.store = deps.checkpoints;
    this.now = deps.now ?? Date.now;
    const list: PathPattern[] = [...(config.paths ?? []), ...(this.cfg.defaults ? DEFAULT_PATHS : [])];
    this.patterns = list.map((p) => resolvePattern(this.cfg.root, p));
  }

  async start(sink: Sink): Promise<void> {
    if (this.running) throw new Error(`source ${this.id} already started`);
    this.sink = sink;
    this.running = true;
    this.startedNs = BigInt(Date.now() - 10) * 1_000_000n;
    const dirs = [...new Set(this.patterns.map((p) => p.dir))];
    this.watcher = chokidar.watch([], {
      depth: 0,
      ignoreInitial: true,
      usePolling: this.cfg.usePolling,
      ignored: (p, st) => !!st?.isFile() && kindFor(this.patterns, path.dirname(p), path.basename(p)) === null,
    });
    this.watcher.on('add', (p) => this.onEvent(p));
    this.watcher.on('change', (p) => this.onEvent(p));
    this.watcher.on('unlink', (p) => this.onEvent(p));
    this.watcher.on('error', (err) => {
      this.count('watchErrors');
      this.issue({ code: 'watch_error', message: String(err) });
    });
    await this.discover(dirs, true);
    this.timer = setInterval(() => void this.poll(dirs), this.cfg.pollIntervalMs);
    // Reading starts now but is not awaited: a large backlog must not hold up the agent's start.
    for (const t of this.trackers.values()) void t.schedule();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.watcher?.close();
    await Promise.all([...this.trackers.values()].map((t) => t.close()));
  }

  /** Find matching files in each directory; watch directories as they come into existence. */
  private async discover(dirs: string[], initial: boolean): Promise<void> {
    for (const dir of dirs) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue; // not there yet: the poll looks again
      }
      if (!this.watchedDirs.has(dir)) {
        this.watchedDirs.add(dir);
        this.watcher?.add(dir);
      }
      for (const name of names) {
        const kind = kindFor(this.patterns, dir, name);
        const file = path.join(dir, name);
        if (kind && !this.trackers.has(file)) this.trackers.set(file, new TrackedPath(file, kind, this, initial));
      }
    }
  }

  private async poll(dirs: string[]): Promise<void> {
    if (!this.running) return;
    await this.discover(dirs, false);
    for (const t of this.trackers.values()) void t.schedule();
  }

  private onEvent(file: string): void {
    const t = this.trackers.get(file);
    if (t) void t.schedule();
    else void this.poll([path.dirname(file)]);
  }

  hasCapacity(): boolean {
    return this.inFlightBatches < this.cfg.maxInFlightBatches && this.inFlightBytes < this.cfg.maxInFlightBytes;
  }

  emit(t: TrackedPath, f: OpenFile, b: ReadBatch): void {
    const window = f.acks;
    const seq = window.add(b.endOffset, b.firstLineNo + b.lines.length - 1);
    const bytes = b.endOffset - b.startOffset;
    this.inFlightBatches++;
    this.inFlightBytes += bytes;
    this.counters.lines += b.lines.length;
    this.counters.batches++;
    this.counters.bytes += bytes;
    let acked = false;
    const batch: LineBatch = {
      type: 'lines',
      sourceId: t.sourceId,
      kind: t.kind,
      path: f.path,
      lines: b.lines,
      firstLineNo: b.firstLineNo,
      startOffset: b.startOffset,
      endOffset: b.endOffset,
      ack: () => {
        if (acked) return;
        acked = true;
        this.inFlightBatches--;
        this.inFlightBytes -= bytes;
        this.counters.acked++;
        try {
          window.ack(seq);
        } finally {
          this.resumePaused();
        }
      },
    };
    if (!this.hasCapacity()) this.counters.pauses++;
    this.sink?.write(batch);
  }

  /** Called on ack: once there is room again, wake the paths that stopped for lack of it (never re-entrantly). */
  private resumePaused(): void {
    if (this.resumeQueued || !this.running || !this.hasCapacity()) return;
    const paused = [...this.trackers.values()].filter((t) => t.paused);
    if (paused.length === 0) return;
    this.resumeQueued = true;
    setImmediate(() => {
      this.resumeQueued = false;
      for (const t of paused) void t.schedule();
    });
  }

  lineIssues(t: TrackedPath, f: OpenFile, issues: LineIssue[]): void {
    for (const i of issues) {
      this.count(i.code === 'line_too_long' ? 'lineTooLong' : 'invalidUtf8');
      const what =
        i.code === 'line_too_long'
          ? `line of ${i.bytes} bytes cut to ${this.cfg.maxLineBytes}`
          : 'invalid UTF-8 replaced by U+FFFD';
      this.issue({
        sourceId: t.sourceId,
        code: i.code,
        path: f.path,
        lineNo: i.lineNo,
        message: `${f.path}:${i.lineNo}: ${what}`,
      });
    }
  }

  issue(i: Omit<SourceIssue, 'sourceId'> & { sourceId?: string }): void {
    this.sink?.issue({ ...i, sourceId: i.sourceId ?? this.id });
  }

  count(counter: string, n = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + n;
  }

  /** One reader per file identity, even within one path (a name can point at a file we already hold). */
  claim(identity: string, owner: TrackedPath): boolean {
    if (this.claims.has(identity)) return false;
    this.claims.set(identity, owner);
    return true;
  }

  release(identity: string, owner: TrackedPath): void {
    if (this.claims.get(identity) === owner) this.claims.delete(identity);
  }

  isClaimed(identity: string): boolean {
    return this.claims.has(identity);
  }

  isStopped(): boolean {
    return !this.running;
  }

  stats(): SourceStats {
    const files = [...this.trackers.values()].flatMap((t) => t.stats());
    return {
      id: this.id,
      kind: this.kind,
      running: this.running,
      counters: { ...this.counters, lagBytes: files.reduce((s, f) => s + f.lagBytes, 0) },
      inFlightBatches: this.inFlightBatches,
      paused: [...this.trackers.values()].some((t) => t.paused),
      files,
    };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
