import { describe, expect, it } from 'vitest';
import { globMatch } from './glob.ts';

describe('globMatch', () => {
  it('matches shell-style patterns', () => {
    const cases: [string, string, boolean][] = [
      ['*.gz', 'syslog.2.gz', true],
      ['*.gz', 'syslog.gz.tmp', false],
      ['*.[0-9]', 'auth.log.1', true],
      ['*.[0-9]', 'auth.log.x', false],
      ['xmrig*', 'xmrig-6.21', true],
      ['?ysql*', 'mysqld', true],
      ['sshd', 'sshd-session', false],
      ['sshd-*', 'sshd-session', true],
      ['*', '', true],
      ['[ab]', '[', false],
    ];
    for (const [p, t, want] of cases) expect(globMatch(p, t), `${p} ~ ${t}`).toBe(want);
  });

  it('stays fast on hostile input', () => {
    const t0 = performance.now();
    expect(globMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});
