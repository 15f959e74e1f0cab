import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../models/src/schema/index.ts';
import { loadPolicy, parsePolicy } from './policy.ts';

const problemsOf = (text: string) => {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).message;
  }
  throw new Error('expected a ValidationError');
};

describe('policy', () => {
  it('fills safe defaults: every playbook recommends, the kill switch file is set', () => {
    const p = parsePolicy('version: 1\n');
    expect(p.actionsEnabled).toBe(true);
    expect(p.killSwitchFile).toBe('/etc/vigil/disable-actions');
    for (const name of ['kill-process', 'block-ip', 'clean-disk'] as const)
      expect(p.playbooks[name].mode).toBe('recommend');
    expect(p.playbooks['block-ip']).toMatchObject({ backend: 'auto', ttlSeconds: 3600, sshPorts: [22] });
    expect(p.playbooks['kill-process'].match.names).toContain('xmrig*');
  });

  it('reads a full policy file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-policy-'));
    const file = path.join(dir, 'policy.yaml');
    writeFileSync(
      file,
      `version: 1
killSwitchFile: /run/vigil/off
blastRadius: { maxActions: 3, windowSeconds: 60 }
playbooks:
  kill-process:
    mode: auto
    allow: { exePaths: [/opt/render/], users: [postgres] }
  block-ip:
    mode: auto
    allowCidrs: [10.0.0.0/16, 203.0.113.7, "2001:db8::/32"]
    ttlSeconds: 900
  clean-disk:
    mode: off
`,
    );
    const p = loadPolicy(file);
    rmSync(dir, { recursive: true });
    expect(p.blastRadius).toEqual({ maxActions: 3, windowSeconds: 60 });
    expect(p.playbooks['block-ip'].allowCidrs).toHaveLength(3);
    expect(p.playbooks['clean-disk'].mode).toBe('off');
  });

  it('names the bad key, value or line', () => {
    expect(problemsOf('playbooks:\n  kill-process:\n    modee: auto\n')).toMatch(/playbooks\.kill-process\.modee/);
    expect(problemsOf('playbooks:\n  block-ip:\n    mode: always\n')).toMatch(/playbooks\.block-ip\.mode/);
    expect(problemsOf('playbooks:\n  block-ip:\n    allowCidrs: [10.0.0.0/8, "10.0.0.0/33"]\n')).toMatch(
      /playbooks\.block-ip\.allowCidrs\.1: not a CIDR/,
    );
    expect(problemsOf('playbooks:\n  clean-disk:\n    roots: [{ path: /var/log/../etc, patterns: ["*"] }]\n')).toMatch(
      /roots\.0\.path: path must be normalised/,
    );
    expect(problemsOf('playbooks:\n  clean-disk:\n    roots: [{ path: /, patterns: ["*"] }]\n')).toMatch(
      /roots\.0\.path/,
    );
    expect(problemsOf('playbooks:\n  kill-process:\n    match: { names: [], cmdlineContains: [] }\n')).toMatch(
      /playbooks\.kill-process\.match/,
    );
    expect(problemsOf('actionsEnabled: true\nactionsEnabled: false\n')).toMatch(/YAML: .*[Dd]uplicate|unique/);
    expect(problemsOf('playbooks: [\n')).toMatch(/YAML: .*line/);
    expect(problemsOf('playbooks:\n  kill-process:\n    allow: { names: ["a\\u001b[31m"] }\n')).toMatch(
      /allow\.names\.0/,
    );
  });

  it('accepts the example in README.md', () => {
    const md = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'README.md'), 'utf8');
    const p = parsePolicy(md.split('```yaml\n')[1].split('```')[0], 'README.md');
    expect(p.playbooks['block-ip'].allowCidrs).toEqual(['10.0.0.0/16', '203.0.113.10']);
  });
});
