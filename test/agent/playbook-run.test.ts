import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, cli, runWriter, type Sandbox, sandbox, status, waitFor } from './support/agent-process.ts';
import { testBundle } from './support/test-bundle.ts';

/*
 * The host side of the control plane's SSM document Vigil-RunPlaybook: `vigil-agent playbook run` against a real
 * daemon whose block-ip is in recommend mode. It runs only the recommendation the daemon made for that exact
 * target, once.
 */
const ATTACKER = '45.155.205.7';
const APPROVAL = `apr_${'0a'.repeat(12)}`;

describe('vigil-agent playbook run (the SSM Vigil-RunPlaybook runner)', () => {
  let sb: Sandbox;
  let agent: AgentProcess;

  beforeAll(async () => {
    sb = sandbox(await testBundle(), {
      policy: {
        killSwitchFile: '/nonexistent/vigil-disable-actions',
        playbooks: {
          'kill-process': { mode: 'off' },
          'clean-disk': { mode: 'off' },
          'block-ip': { mode: 'recommend', backend: 'dry-run', cooldownSeconds: 0 },
        },
      },
    });
    agent = await AgentProcess.start(sb);
    await runWriter({ file: sb.authLog, lines: 300, perSecond: 400, ip: ATTACKER });
    await waitFor('a pending block recommendation', async () => (await status(sb)).actions.pendingRecommendations > 0);
  }, 90_000);

  afterAll(async () => {
    if (agent?.child.exitCode === null) await agent.kill('SIGKILL');
    if (sb) rmSync(sb.root, { recursive: true, force: true });
  });

  const runPlaybook = (ip: string) =>
    cli(['playbook', 'run', '--approval', APPROVAL, '--name', 'block-ip', '--ip', ip, '--json', '--socket', sb.socket]);

  it('refuses a target the daemon did not recommend, naming it', async () => {
    const r = await runPlaybook('203.0.113.9');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no pending block-ip recommendation for 203.0.113.9');
  });

  it('runs the recommended block once, with the approval recorded as the approver', async () => {
    const r = await runPlaybook(ATTACKER);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      playbook: 'block-ip',
      decision: 'executed',
      result: 'none', // the dry-run backend changes nothing, so there is nothing to verify
      dryRun: true,
      target: ATTACKER,
      approvedBy: `ssm:${APPROVAL}`,
    });
    const again = await runPlaybook(ATTACKER);
    expect(again.code).toBe(1);
  });

  it('refuses malformed input before reaching the daemon', async () => {
    const r = await cli(['playbook', 'run', '--approval', 'apr_x; rm -rf /', '--name', 'block-ip', '--ip', ATTACKER]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--approval');
  });
});
