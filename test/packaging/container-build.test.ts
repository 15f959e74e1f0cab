/**
 * The container's build steps, run outside Docker (no Docker engine here): packaging/container/build.sh builds the
 * runtime tree from an export of the repository (the files the Dockerfile copies, as git would check them out), then
 * the server is started from that tree, write-protected, with only a data directory and /tmp writable, and must
 * answer /healthz and /readyz. The tree must not change while the server runs (read-only root filesystem).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = process.execPath;

/** The paths the Dockerfile COPYs into its build stage, read from the Dockerfile so the test follows it. */
function dockerfileCopies(): string[] {
  const text = readFileSync(path.join(ROOT, 'packaging/container/Dockerfile'), 'utf8');
  const build = text.split(/^FROM .* AS runtime$/m)[0];
  const out: string[] = [];
  for (const m of build.matchAll(/^COPY (?!--from)(.+)$/gm)) out.push(...m[1].trim().split(/\s+/).slice(0, -1));
  return out;
}

/** Copies the files git would check out (tracked, plus new files not ignored) under `paths`. */
function exportRepo(dest: string, paths: string[]): number {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', ...paths], { cwd: ROOT });
  const files = listed.toString('utf8').split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(path.join(ROOT, f))) continue; // deleted in the work tree, not yet in the index
    mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    cpSync(path.join(ROOT, f), path.join(dest, f));
  }
  return files.length;
}

/** path -> size:mtime of every file, to prove the server wrote nothing into its code tree. */
function snapshot(dir: string, acc = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) snapshot(full, acc);
    else {
      const s = statSync(full);
      acc.set(full, `${s.size}:${s.mtimeMs}`);
    }
  }
  return acc;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until `url` answers; stops early when the server process has exited. */
async function poll(url: string, timeoutMs: number, proc: ChildProcess, log: () => string): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (proc.exitCode !== null) throw new Error(`the server exited with ${proc.exitCode}:\n${log().slice(-2000)}`);
      if (Date.now() > deadline) {
        throw new Error(`${url} did not answer in ${timeoutMs} ms: ${(err as Error).message}\n${log().slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The console is another part's build; when it cannot be built yet, the image test goes on without it. */
function consoleMode(src: string): 'auto' | 'skip' {
  if (!existsSync(path.join(src, 'control-plane/console/build.ts'))) {
    console.warn('container test: control-plane/console/build.ts is absent: building without the console');
    return 'skip';
  }
  const r = spawnSync(NODE, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'control-plane/console/build.ts'], {
    cwd: src,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.warn(
      `container test: the console build fails, building without it:\n${(r.stderr || r.stdout).slice(-600)}`,
    );
    return 'skip';
  }
  return 'auto';
}

describe('control-plane container build steps (packaging/container/build.sh)', () => {
  let tmp: string;
  let out: string;
  let consoleBuilt = false;
  let server: ChildProcess | undefined;
  let stderr = '';

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'vigil-container-'));
    const src = path.join(tmp, 'src');
    out = path.join(tmp, 'out');
    expect(exportRepo(src, dockerfileCopies())).toBeGreaterThan(100);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules')); // the stage's `npm ci`
    const mode = consoleMode(src);
    const started = Date.now();
    const r = spawnSync('bash', [path.join(src, 'packaging/container/build.sh'), src, out], {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, VIGIL_CONSOLE: mode, PATH: `${path.dirname(NODE)}:${process.env.PATH}` },
    });
    if (r.status !== 0) throw new Error(`build.sh failed (${r.status}):\n${r.stderr.slice(-2000)}`);
    console.info(`container test: build.sh took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    consoleBuilt = mode === 'auto';
  }, 120_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    if (tmp) {
      spawnSync('chmod', ['-R', 'u+w', tmp]);
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('lays out compiled code, the model bundle and production dependencies only', () => {
    expect(existsSync(path.join(out, 'packaging/container/entry.js'))).toBe(true);
    expect(existsSync(path.join(out, 'cli'))).toBe(false); // the full CLI (demo, local AWS stand-ins) stays out
    expect(existsSync(path.join(out, 'control-plane/src/server.js'))).toBe(true);
    expect(existsSync(path.join(out, 'models/bundles/default/manifest.json'))).toBe(true);
    expect(existsSync(path.join(out, 'control-plane/src/server.test.js'))).toBe(false);
    expect(existsSync(path.join(out, 'node_modules/fastify/package.json'))).toBe(true);
    expect(existsSync(path.join(out, 'node_modules/onnxruntime-node/package.json'))).toBe(true);
    for (const dev of ['vitest', 'tsx', 'esbuild', 'typescript', '@biomejs/biome']) {
      expect(existsSync(path.join(out, 'node_modules', dev)), `${dev} is a dev dependency`).toBe(false);
    }
    const ortPlatforms = readdirSync(path.join(out, 'node_modules/onnxruntime-node/bin/napi-v6'));
    expect(ortPlatforms).toEqual(['linux']);
    expect(existsSync(path.join(out, 'control-plane/console/dist'))).toBe(consoleBuilt);
  });

  it('runs the bundle uploader the retraining CronJob uses from the runtime tree', () => {
    const r = spawnSync(NODE, [path.join(out, 'packaging/ci/upload-bundle.js'), '--help'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/--url URL --bundle DIR/);
  });

  it('serves /healthz and /readyz from the write-protected tree, writing only to the data directory', async () => {
    const data = path.join(tmp, 'data');
    const scratch = path.join(tmp, 'tmp');
    mkdirSync(data);
    mkdirSync(scratch);
    execFileSync('chmod', ['-R', 'a-w', out]);
    const before = snapshot(out);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOME: scratch,
      TMPDIR: scratch,
      VIGIL_HOST: '127.0.0.1',
      VIGIL_PORT: String(port),
      VIGIL_DATA_DIR: data,
      VIGIL_LOG_LEVEL: 'warn',
      VIGIL_CONSOLE_BUILD: 'never', // as the Dockerfile sets it
    }; // no DATABASE_URL: the embedded PGlite store in the data directory
    server = spawn(NODE, [path.join(out, 'packaging/container/entry.js'), 'control-plane', 'serve'], {
      cwd: scratch,
      env,
    });
    server.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const health = await poll(`http://127.0.0.1:${port}/healthz`, 45_000, server, () => stderr);
    expect(health.status, stderr).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    expect(ready.status).toBe(200);
    expect(stderr).toMatch(/vgl_op_/); // the first start prints the generated admin token once

    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0); // drains and closes the store on SIGTERM, as Kubernetes stops a pod
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(data).sort()).toEqual(['pglite', 'signing-keys']);
  }, 60_000);
});
