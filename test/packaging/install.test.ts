/**
 * Installs the x64 Distributor package into a temporary root (DESTDIR), runs the installed single executable on a
 * real sshd brute force appended to the tailed auth log, asks the installed binary for `status`, then checks
 * upgrade (config kept), a refused config (old version kept), uninstall (state kept) and purge (nothing left).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { statusRequest } from '../../agent/src/status/client.ts';
import type { StatusReport } from '../../agent/src/status/report.ts';
import { REPO_ROOT } from '../../packaging/sea/bundle.ts';
import { which } from '../../packaging/sea/exec.ts';
import { builtPackages, zipFor } from './built-package.ts';
import { filesUnder, rebaseToNow, runFile, runScript, vigilDirs } from './install-support.ts';

const FIXTURE = path.join(REPO_ROOT, 'test/agent/fixtures/brute-force.auth.log');
const ATTACKER = '45.155.205.7';
let tmp: string;
let pkg: string;
let root: string;
let armZip: string | undefined;
let agent: ChildProcess | undefined;

beforeAll(async () => {
  const built = await builtPackages();
  const zip = zipFor(built, 'x64');
  if (!zip) throw new Error('the x64 package was not built');
  armZip = zipFor(built, 'arm64');
  tmp = mkdtempSync(path.join(tmpdir(), 'vigil-install-'));
  pkg = path.join(tmp, 'pkg');
  root = path.join(tmp, 'root');
  const unzip = await runFile('unzip', ['-q', zip, '-d', pkg], { PATH: '/usr/bin:/bin' });
  expect(unzip.code, unzip.stderr).toBe(0);
}, 600_000);

afterAll(() => {
  if (agent?.exitCode === null) agent.kill('SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const installed = (p: string) => path.join(root, p);
const sock = () => path.join(tmp, 'agent.sock');

/** The installed config, pointed into the temp root the way an operator would edit /etc/vigil/agent.yaml. */
function sandboxConfig(): string {
  return stringify({
    version: 1,
    root,
    host: { name: 'web-1', instanceId: 'i-0a1b2c3d4e5f60718' },
    state: { dir: installed('var/lib/vigil') },
    models: { bundleDir: installed('opt/vigil/bundles/default') },
    status: { socket: sock() },
    metrics: { listen: '127.0.0.1:0' },
    sources: {
      files: { defaults: true, startAt: 'beginning', pollIntervalMs: 50 },
      process: { enabled: false },
      disk: { enabled: false },
    },
    pipeline: { decisionIntervalMs: 50 },
    policy: {
      killSwitchFile: installed('etc/vigil/disable-actions'),
      playbooks: {
        'kill-process': { mode: 'off' },
        'clean-disk': { mode: 'off' },
        'block-ip': { mode: 'auto', backend: 'dry-run', cooldownSeconds: 0 },
      },
    },
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${(last as Error)?.message ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SSM Distributor package: install into a temporary root and run the installed agent', () => {
  it('installs the layout, skipping (and logging) user creation and systemctl under DESTDIR', async () => {
    const r = await runScript(pkg, 'install.sh', root);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('DESTDIR set: skipped creating system user vigil');
    expect(r.stdout).toContain('DESTDIR set: skipped systemctl enable vigil-agent.service');
    expect(statSync(installed('opt/vigil/vigil-agent')).mode & 0o777).toBe(0o755);
    for (const f of ['libonnxruntime.so.1', 'onnxruntime_binding.node', 'bundles/default/manifest.json'])
      expect(existsSync(installed(`opt/vigil/${f}`)), f).toBe(true);
    expect(statSync(installed('etc/vigil/agent.yaml')).mode & 0o777).toBe(0o640);
    expect(statSync(installed('etc/vigil')).mode & 0o777).toBe(0o750);
    expect(statSync(installed('var/lib/vigil')).mode & 0o777).toBe(0o750);
    expect(readlinkSync(installed('usr/local/bin/vigil-agent'))).toBe('/opt/vigil/vigil-agent');
    expect(readFileSync(installed('etc/systemd/system/vigil-agent.service'), 'utf8')).toContain('NoNewPrivileges=yes');
    expect(existsSync(installed('opt/vigil.new'))).toBe(false);
  });

  it('installs a systemd unit that systemd-analyze verifies without warnings', async (ctx) => {
    const analyze = await which('systemd-analyze');
    if (!analyze) {
      console.warn('SKIPPED systemd-analyze verify: systemd-analyze is not installed');
      ctx.skip();
      return;
    }
    // verify checks that ExecStart exists, so the unit's absolute paths are pointed into the temp root.
    const unit = readFileSync(installed('etc/systemd/system/vigil-agent.service'), 'utf8')
      .replaceAll('/opt/vigil/', `${installed('opt/vigil')}/`)
      .replaceAll('/etc/vigil/', `${installed('etc/vigil')}/`);
    const copy = path.join(tmp, 'vigil-agent.service');
    writeFileSync(copy, unit);
    const r = await runFile(analyze, ['verify', copy], { PATH: '/usr/bin:/bin' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe('');
  });

  it('runs the installed binary on a replayed sshd brute force and answers status', async () => {
    writeFileSync(installed('etc/vigil/agent.yaml'), sandboxConfig());
    mkdirSync(installed('var/log'), { recursive: true });
    writeFileSync(installed('var/log/auth.log'), '');
    agent = spawn(installed('opt/vigil/vigil-agent'), ['run', '--config', installed('etc/vigil/agent.yaml')], {
      env: {},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    agent.stdout?.on('data', (d) => output.push(String(d)));
    agent.stderr?.on('data', (d) => output.push(String(d)));
    await waitFor('the daemon socket', async () => {
      if (agent?.exitCode !== null) throw new Error(`agent exited ${agent?.exitCode}: ${output.join('')}`);
      return statusRequest(sock(), { cmd: 'status' }, 2000);
    });
    // Keep the 12 s burst inside one 5-minute window.
    const intoWindow = Date.now() % 300_000;
    if (intoWindow < 15_000) await new Promise((r) => setTimeout(r, 15_000 - intoWindow));
    const lines = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
    appendFileSync(installed('var/log/auth.log'), `${rebaseToNow(lines).join('\n')}\n`);
    const size = statSync(installed('var/log/auth.log')).size;
    await waitFor('the brute force detected and every byte acked', async () => {
      const s = (await statusRequest(sock(), { cmd: 'status' })) as StatusReport;
      const f = s.sources[0]?.files.find((x) => x.path === installed('var/log/auth.log'));
      return f?.ackedOffset === size && s.anomalies.recent.some((a) => a.entity === `ip:${ATTACKER}`);
    });
    const cli = await runFile(installed('opt/vigil/vigil-agent'), ['status', '--json', '--socket', sock()]);
    expect(cli.code, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout) as StatusReport;
    expect(report.pipeline).toMatchObject({ lines: lines.length, events: lines.length - 1, parseErrors: 1 });
    expect(report.anomalies.recent).toContainEqual(
      expect.objectContaining({ entity: `ip:${ATTACKER}`, type: 'ssh_brute_force' }),
    );
    expect(report.model.version).toBe('1.0.0');
    expect(report.actions.blocks.map((b) => b.ip)).toEqual([ATTACKER]);
    agent.kill('SIGTERM');
    const code = await new Promise((r) => agent?.once('exit', r));
    expect(code).toBe(0);
    expect(existsSync(sock())).toBe(false);
  }, 90_000);

  it('upgrades idempotently: the edited config and the state survive a second install', async () => {
    const config = readFileSync(installed('etc/vigil/agent.yaml'), 'utf8');
    const r = await runScript(pkg, 'update.sh', root);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('kept existing');
    expect(readFileSync(installed('etc/vigil/agent.yaml'), 'utf8')).toBe(config);
    expect(existsSync(installed('etc/vigil/agent.yaml.default'))).toBe(true);
    expect(existsSync(installed('var/lib/vigil/agent.db'))).toBe(true);
  });

  it('refuses an upgrade whose binary rejects the config, leaving the installed version in place', async () => {
    const good = readFileSync(installed('etc/vigil/agent.yaml'), 'utf8');
    writeFileSync(installed('etc/vigil/agent.yaml'), `${good}pipelne: {}\n`);
    const before = statSync(installed('opt/vigil/vigil-agent')).ino;
    const r = await runScript(pkg, 'install.sh', root);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/pipelne/);
    expect(r.stderr).toContain('nothing was replaced');
    expect(statSync(installed('opt/vigil/vigil-agent')).ino).toBe(before);
    expect(existsSync(installed('opt/vigil.new'))).toBe(false);
    writeFileSync(installed('etc/vigil/agent.yaml'), good);
  });

  it('refuses a package for another architecture', async (ctx) => {
    if (!armZip) {
      console.warn('SKIPPED arch check: the arm64 package was not built');
      ctx.skip();
      return;
    }
    const armPkg = path.join(tmp, 'pkg-arm64');
    await runFile('unzip', ['-q', armZip, '-d', armPkg], { PATH: '/usr/bin:/bin' });
    const r = await runScript(armPkg, 'install.sh', path.join(tmp, 'arm-root'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('this package is for arm64, the host is x86_64');
    expect(existsSync(path.join(tmp, 'arm-root/opt/vigil'))).toBe(false);
  });

  it('uninstalls keeping config and state, twice, then purges leaving nothing behind', async () => {
    const keep = await runScript(pkg, 'uninstall.sh', root);
    expect(keep.code, keep.stderr).toBe(0);
    expect(existsSync(installed('opt/vigil'))).toBe(false);
    expect(existsSync(installed('etc/systemd/system/vigil-agent.service'))).toBe(false);
    expect(() => lstatSync(installed('usr/local/bin/vigil-agent'))).toThrow();
    expect(existsSync(installed('etc/vigil/agent.yaml'))).toBe(true);
    expect(existsSync(installed('var/lib/vigil/agent.db'))).toBe(true);
    expect((await runScript(pkg, 'uninstall.sh', root)).code).toBe(0);

    const purge = await runScript(pkg, 'uninstall.sh', root, [], { SSM_VIGIL_PURGE: 'true' });
    expect(purge.code, purge.stderr).toBe(0);
    expect(purge.stdout).toContain('DESTDIR set: skipped removing system user vigil');
    expect(filesUnder(root)).toEqual(['var/log/auth.log']); // the test's own log file
    expect(vigilDirs(root)).toEqual([]);
  });

  it('purges with --purge too, and refuses an unknown argument', async () => {
    expect((await runScript(pkg, 'install.sh', root)).code).toBe(0);
    const bad = await runScript(pkg, 'uninstall.sh', root, ['--purge-all']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("unknown argument '--purge-all'");
    expect((await runScript(pkg, 'uninstall.sh', root, ['--purge'])).code).toBe(0);
    expect(filesUnder(root)).toEqual(['var/log/auth.log']);
  });
});
