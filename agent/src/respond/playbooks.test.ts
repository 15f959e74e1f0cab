import { describe, expect, it } from 'vitest';
import { MemoryAuditSink } from './audit.ts';
import { selectBackend } from './block/select-backend.ts';
import { RecordingRunner } from './exec/run.ts';
import { createPlaybooks } from './playbooks.ts';
import { validatePolicyObject } from './policy.ts';
import { Responder } from './responder.ts';
import { anomaly } from './test-support.ts';

const policy = (blockIp: object, rest: object = {}) =>
  validatePolicyObject(
    { killSwitchFile: '/nonexistent/vigil-switch', playbooks: { 'block-ip': blockIp, ...rest } },
    'test',
  );

describe('createPlaybooks and backend choice', () => {
  it('builds only the playbooks policy turns on', async () => {
    const set = await createPlaybooks(
      policy({ mode: 'off' }, { 'kill-process': { mode: 'auto' }, 'clean-disk': { mode: 'recommend', dryRun: true } }),
    );
    expect(set.playbooks.map((p) => p.name)).toEqual(['kill-process', 'clean-disk']);
    expect(set.blockIp).toBeUndefined();
    expect(set.notes).toContain('clean-disk: dry run (reports bytes, deletes nothing)');
  });

  it('falls back nft -> iptables+ipset -> dry-run and says so', async () => {
    const none = await selectBackend('auto', new RecordingRunner(), () => null);
    expect(none.backend.kind).toBe('dry-run');
    expect(none.note).toMatch(/neither nft nor iptables\+ipset/);
    const brokenNft = new RecordingRunner((file) => ({ code: file.endsWith('/nft') ? 1 : 0, stdout: '', stderr: '' }));
    const ipset = await selectBackend('auto', brokenNft, (n) => `/usr/sbin/${n}`);
    expect(ipset.backend.kind).toBe('ipset');
    await expect(selectBackend('nft', new RecordingRunner(), () => null)).rejects.toThrow(/nft is not installed/);
  });

  it('a dry-run block is executed on nothing and reported as a dry run in the audit log', async () => {
    const p = policy({ mode: 'auto', backend: 'dry-run' });
    const set = await createPlaybooks(p);
    const audit = new MemoryAuditSink();
    const responder = new Responder({ policy: p, playbooks: set.playbooks, audit });
    const [entry] = await responder.handle(anomaly({ type: 'ssh_brute_force', targets: { ip: '45.33.32.156' } }));
    expect(entry).toMatchObject({
      decision: 'executed',
      dryRun: true,
      result: 'none',
      exec: { detail: /^DRY RUN: would block 45\.33\.32\.156/ },
    });
    expect(set.blockIp?.status().map((r) => [r.ip, r.backend])).toEqual([['45.33.32.156', 'dry-run']]);
    const un = await responder.unblock('45.33.32.156', 'alice');
    expect(un).toMatchObject({ approvedBy: 'alice', exec: { ok: true, detail: 'unblocked 45.33.32.156' } });
    expect(set.blockIp?.status()).toEqual([]);
  });
});
