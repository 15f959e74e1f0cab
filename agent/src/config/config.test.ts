import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig, parseAgentConfig } from './load.ts';

const problems = (yaml: string): string[] => {
  try {
    parseAgentConfig(yaml, 'test.yaml');
  } catch (err) {
    return (
      (err as { problems?: { path: string; message: string }[] }).problems?.map((p) => `${p.path}: ${p.message}`) ?? [
        (err as Error).message,
      ]
    );
  }
  return [];
};

describe('agent config', () => {
  it('fills defaults for an empty file', () => {
    const cfg = parseAgentConfig('');
    expect(cfg.status.socket).toBe('/run/vigil/agent.sock');
    expect(cfg.state.dir).toBe('/var/lib/vigil');
    expect(cfg.paths.stateDb).toBe('/var/lib/vigil/agent.db');
    expect(cfg.sources.files).toMatchObject({ enabled: true, defaults: true, startAt: 'end' });
    expect(cfg.limits).toMatchObject({ maxEntities: 5000, queueBatches: 256 });
    expect(cfg.metrics.listen).toBe('127.0.0.1:9464');
    expect(cfg.policySource).toBe('defaults');
    expect(cfg.policy.playbooks['block-ip'].mode).toBe('recommend');
  });

  it('refuses unknown keys and bad values, naming the key', () => {
    expect(problems('pipline: {}')).toEqual([expect.stringMatching(/^pipline: Unexpected property/)]);
    expect(problems('pipeline: { decisionIntervalMs: 1 }')).toEqual([
      expect.stringMatching(/^pipeline\.decisionIntervalMs: .*greater or equal to 10/),
    ]);
    expect(problems('metrics: { listen: 0.0.0.0:9464 }')[0]).toMatch(/^metrics\.listen: /);
    expect(problems('metrics: { listen: 127.0.0.1:99999 }')).toEqual(['metrics.listen: port 99999 is not 0-65535']);
    expect(problems('sources: { files: { paths: [{ path: /var/log/../../etc/shadow, kind: ec2.auth }] } }')).toEqual([
      'sources.files.paths.0.path: must not contain . or .. segments',
    ]);
    expect(problems(`status: { socket: /tmp/${'x'.repeat(120)} }`)[0]).toMatch(
      /^status\.socket: longer than 107 bytes/,
    );
    expect(problems('a: 1\na: 2')[0]).toMatch(/YAML: .*unique/i);
  });

  it('validates an inline policy with the policy. prefix, and refuses policy plus policyFile', () => {
    expect(problems('policy: { playbooks: { block-ip: { mode: always } } }')[0]).toMatch(
      /^policy\.playbooks\.block-ip\.mode: /,
    );
    expect(problems('policy: { playbooks: { block-ip: { allowCidrs: [not-a-cidr] } } }')).toEqual([
      'policy.playbooks.block-ip.allowCidrs.0: not a CIDR or IP: not-a-cidr',
    ]);
    expect(problems('policy: {}\npolicyFile: /etc/vigil/policy.yaml')).toEqual([
      'policy: set policy (inline) or policyFile, not both',
    ]);
  });

  it('reads a policy file and reports its problems under policyFile', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-cfg-'));
    writeFileSync(path.join(dir, 'policy.yaml'), 'playbooks:\n  kill-process:\n    mode: auto\n');
    writeFileSync(path.join(dir, 'bad.yaml'), 'playbooks:\n  kill-process:\n    graceMs: -1\n');
    const cfg = loadAgentConfig(writeCfg(dir, `policyFile: ${dir}/policy.yaml`));
    expect(cfg.policy.playbooks['kill-process'].mode).toBe('auto');
    expect(cfg.policySource).toBe(`${dir}/policy.yaml`);
    expect(problems(`policyFile: ${dir}/bad.yaml`)[0]).toMatch(
      /^policyFile: .*bad\.yaml: playbooks\.kill-process\.graceMs: /,
    );
  });

  it('checks the control plane: https off loopback, exclusive token sources, pinned ed25519 keys for updates', () => {
    expect(problems('controlPlane: { url: "http://cp.example.com", bundlePollSeconds: 0 }')).toEqual([
      'controlPlane.url: plain http is only allowed to loopback (use https)',
    ]);
    expect(problems('controlPlane: { url: "http://127.0.0.1:8080", bundlePollSeconds: 0 }')).toEqual([]);
    expect(problems('controlPlane: { url: "https://cp.example.com" }')).toEqual([
      expect.stringMatching(/^controlPlane\.signingKeys: model updates .* need at least one pinned ed25519 key/),
    ]);
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const raw = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .subarray(12)
      .toString('base64');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    const cfg = parseAgentConfig(
      `controlPlane:\n  url: https://cp.example.com\n  signingKeys:\n    - keyId: k1\n      publicKey: ${JSON.stringify(ed)}\n    - keyId: k2\n      publicKey: ${raw}\n`,
    );
    expect([...cfg.signingKeys.keys()]).toEqual(['k1', 'k2']);
    expect(
      problems(
        `controlPlane:\n  url: https://cp.example.com\n  signingKeys: [{ keyId: k1, publicKey: ${JSON.stringify(rsa)} }]\n`,
      ),
    ).toEqual(['controlPlane.signingKeys.0.publicKey: not an ed25519 key (rsa)']);
    const token = `vgl_en_${'a'.repeat(43)}`;
    expect(
      problems(
        `controlPlane: { url: "https://x.example", bundlePollSeconds: 0, enrollmentToken: ${token}, enrollmentTokenFile: /etc/t }`,
      ),
    ).toEqual(['controlPlane.enrollmentToken: set enrollmentToken or enrollmentTokenFile, not both']);
  });
});

function writeCfg(dir: string, text: string): string {
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, text);
  return file;
}
