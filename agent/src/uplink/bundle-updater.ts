import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTar } from '../../../models/src/util/tar.ts';
import type { SwapResult } from '../pipeline/model-slot.ts';
import type { KvRepo } from '../state/index.ts';
import { KV } from './bundle-kv.ts';
import { ControlPlaneError, type ControlPlaneHttp } from './http.ts';
import { authorizeRollback, type RollbackDirective } from './rollback.ts';
import { type BundleOffer, checkFiles, MAX_BUNDLE_BYTES, offerProblem, verifyOffer } from './signed-bundle.ts';
import { compareVersions } from './versions.ts';

export interface BundleUpdaterDeps {
  http: ControlPlaneHttp;
  credential(): string | undefined;
  keys: Map<string, KeyObject>;
  /** Where verified bundles are unpacked, one directory per version. */
  bundlesDir: string;
  featureSchemaHash: string;
  /** Loads the directory into the model slot; a failure leaves the running bundle in place. */
  install(dir: string): Promise<SwapResult>;
  kv: KvRepo;
  allowInsecureDownload: boolean;
  log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
  onSwap?(result: 'installed' | 'rolled-back' | 'refused'): void;
  now?: () => number;
}

export { KV };

/**
 * Polls for a model update. A new bundle is installed only if its manifest carries a valid ed25519 signature from a
 * pinned key, the archive matches the signed size and sha256, every file matches the signed manifest, the feature
 * schema is this build's, the version is newer (or an older one comes with a signed rollback directive that withdraws
 * exactly the running version: rollback.ts), and the bundle then loads (the loader re-checks every model's hash).
 * Any failure keeps the running bundle.
 */
export class BundleUpdater {
  lastCheckAt: number | null = null;
  lastResult: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: BundleUpdaterDeps) {}

  start(pollSeconds: number): void {
    const loop = async () => {
      if (this.stopped) return;
      await this.check().catch(() => undefined);
      this.timer = setTimeout(loop, pollSeconds * 1000);
      this.timer.unref?.();
    };
    this.timer = setTimeout(loop, 1000);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One poll. Returns (and records) what happened in one line. */
  async check(): Promise<string> {
    this.lastCheckAt = this.now();
    try {
      this.lastResult = await this.checkOnce();
    } catch (err) {
      this.lastResult = `update failed, keeping the running bundle: ${(err as Error).message}`;
      this.deps.log('error', 'model update refused', { error: (err as Error).message });
      this.deps.onSwap?.('refused');
    }
    return this.lastResult;
  }

  private async checkOnce(): Promise<string> {
    const credential = this.deps.credential();
    if (!credential) return 'not enrolled';
    const running = this.deps.kv.get(KV.signedVersion);
    const res = await this.deps.http.request(
      'GET',
      `/v1/agents/bundle${running ? `?current=${encodeURIComponent(running)}` : ''}`,
      {
        credential,
        headers: running ? { 'if-none-match': `"${running}"` } : {},
      },
    );
    if (res.status === 204) return 'no bundle assigned';
    if (res.status === 304) return `up to date (${running})`;
    const problem = offerProblem(res.body);
    if (problem) throw new Error(`bad bundle offer: ${problem}`);
    const offer = res.body as BundleOffer;
    const manifest = verifyOffer(offer, this.deps.keys);
    if (manifest.featureSchemaHash !== this.deps.featureSchemaHash) {
      throw new Error(
        `bundle ${offer.version} was built for feature schema ${manifest.featureSchemaHash}, this agent computes ${this.deps.featureSchemaHash}`,
      );
    }
    const order = running ? compareVersions(offer.version, running) : 1;
    if (order === 0) return `up to date (${running})`;
    let rollback: RollbackDirective | undefined;
    if (running && order < 0) {
      // Downgrade attacks: a lower version is installed only with a signed directive withdrawing exactly ours.
      if (!offer.rollback) return `refused downgrade ${running} -> ${offer.version}`;
      rollback = authorizeRollback(offer, running, this.deps.keys, this.now());
    }
    const archive = await this.download(offer, credential);
    const files = readTar(gunzipSync(archive, { maxOutputLength: MAX_BUNDLE_BYTES }));
    checkFiles(manifest, files);
    const dir = this.unpack(offer.version, files);
    const swap = await this.deps.install(dir);
    if (!swap.ok) {
      rmSync(dir, { recursive: true, force: true });
      this.deps.onSwap?.('rolled-back');
      throw new Error(
        `bundle ${offer.version} failed to load (${swap.error}); still running ${swap.previousVersion ?? 'the previous bundle'}`,
      );
    }
    const prev = this.deps.kv.get(KV.current);
    if (prev && prev !== dir) this.deps.kv.set(KV.previous, prev);
    this.deps.kv.set(KV.current, dir);
    this.deps.kv.set(KV.signedVersion, offer.version);
    this.deps.onSwap?.('installed');
    this.deps.log('info', rollback ? 'model bundle rolled back by a signed directive' : 'model bundle updated', {
      from: swap.previousVersion,
      to: swap.version,
      signedVersion: offer.version,
      ...(rollback ? { withdrawn: running, rolloutId: rollback.rolloutId } : {}),
    });
    return rollback
      ? `rolled back ${running} -> ${offer.version} (signed directive, rollout ${rollback.rolloutId})`
      : `installed ${offer.version}`;
  }

  private async download(offer: BundleOffer, credential: string): Promise<Buffer> {
    const url = new URL(offer.download.url, `${this.deps.http.origin}/`);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (loopback || this.deps.allowInsecureDownload))) {
      throw new Error(`download URL must be https (got ${url.protocol})`);
    }
    // Pre-signed URLs on other hosts get no credential.
    const headers: Record<string, string> =
      url.origin === this.deps.http.origin ? { authorization: `Bearer ${credential}` } : {};
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(300_000), redirect: 'error' });
    } catch (err) {
      throw new ControlPlaneError(`download ${url.pathname}: ${(err as Error).message}`, null, null, true);
    }
    if (!res.ok || !res.body) throw new Error(`download ${url.pathname}: HTTP ${res.status}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > offer.download.size)
        throw new Error(`download is larger than the offered ${offer.download.size} bytes`);
      chunks.push(Buffer.from(chunk));
    }
    const data = Buffer.concat(chunks);
    const sha = createHash('sha256').update(data).digest('hex');
    if (size !== offer.download.size || sha !== offer.download.sha256) {
      throw new Error(`download does not match the offer (size ${size}, sha256 ${sha})`);
    }
    return data;
  }

  /** Writes the files to a staging directory (fsynced) and renames it into place. */
  private unpack(version: string, files: { name: string; data: Buffer }[]): string {
    const safe = version.replace(/[^A-Za-z0-9._-]/g, '_');
    mkdirSync(this.deps.bundlesDir, { recursive: true, mode: 0o700 });
    const stage = path.join(this.deps.bundlesDir, `.staging-${safe}-${randomBytes(6).toString('hex')}`);
    mkdirSync(stage, { mode: 0o700 });
    for (const f of files) {
      const fd = openSync(path.join(stage, f.name), 'wx', 0o600);
      try {
        writeSync(fd, f.data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    const dir = path.join(this.deps.bundlesDir, safe);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(stage, dir);
    return dir;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
