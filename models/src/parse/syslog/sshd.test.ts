import { describe, expect, it } from 'vitest';
import { SyslogParser } from './parser.ts';

/** Parse `sshd[1]: <msg>` and return the fields that matter for sshd classification. */
function sshd(msg: string, program = 'sshd') {
  const p = new SyslogParser({ year: 2024, syslogSource: 'ec2.auth' });
  const r = p.parse(`Mar  1 10:00:00 web-1 ${program}[1234]: ${msg}`, { file: 't', line: 1 });
  if (!r.ok) throw new Error(`not parsed: ${JSON.stringify(r)}`);
  const { action, outcome, principal, srcIp, srcPort, attrs } = r.event;
  return { action, outcome, principal, srcIp, srcPort, attrs };
}

describe('sshd message variants', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'Accepted password for alice from 10.0.0.5 port 50000 ssh2',
      { action: 'ssh.login', outcome: 'success', principal: 'alice', srcIp: '10.0.0.5', srcPort: 50000 },
    ],
    [
      'Accepted publickey for ubuntu from 10.0.2.2 port 63673 ssh2: RSA SHA256:Zx3kq',
      { action: 'ssh.login', principal: 'ubuntu', attrs: { method: 'publickey' } },
    ],
    [
      'Accepted keyboard-interactive/pam for bob from ::ffff:10.0.0.5 port 22 ssh2',
      { action: 'ssh.login', srcIp: '::ffff:10.0.0.5', attrs: { method: 'keyboard-interactive/pam' } },
    ],
    [
      'Failed password for root from 89.160.20.156 port 29160 ssh2',
      {
        action: 'ssh.failed',
        outcome: 'failure',
        principal: 'root',
        attrs: { method: 'password', invalidUser: false },
      },
    ],
    [
      'Failed password for invalid user admin from 1.2.3.4 port 22 ssh2',
      { action: 'ssh.failed', principal: 'admin', attrs: { method: 'password', invalidUser: true } },
    ],
    [
      'Failed none for invalid user 0 from 5.188.10.180 port 49811 ssh2',
      { action: 'ssh.failed', principal: '0', attrs: { method: 'none', invalidUser: true } },
    ],
    [
      'Failed publickey for git from 2001:db8::7 port 40000 ssh2: ED25519 SHA256:abc',
      { action: 'ssh.failed', srcIp: '2001:db8::7', srcPort: 40000 },
    ],
    ['Invalid user webmaster from 173.234.31.186', { action: 'ssh.invalid_user', principal: 'webmaster' }],
    ['Invalid user oracle from 1.2.3.4 port 5555', { action: 'ssh.invalid_user', srcPort: 5555 }],
    ['input_userauth_request: invalid user test [preauth]', { action: 'ssh.invalid_user', principal: 'test' }],
    [
      'error: maximum authentication attempts exceeded for invalid user oracle from 1.2.3.4 port 22 ssh2 [preauth]',
      { action: 'ssh.max_auth', principal: 'oracle', srcIp: '1.2.3.4', attrs: { invalidUser: true } },
    ],
    [
      'Disconnecting: Too many authentication failures for root [preauth]',
      { action: 'ssh.max_auth', principal: 'root' },
    ],
    [
      'Disconnecting authenticating user root 1.2.3.4 port 22: Too many authentication failures [preauth]',
      { action: 'ssh.max_auth', principal: 'root', srcIp: '1.2.3.4', srcPort: 22 },
    ],
    ['PAM service(sshd) ignoring max retries; 5 > 3', { action: 'ssh.max_auth', outcome: 'failure' }],
    [
      'reverse mapping checking getaddrinfo for ns.example.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!',
      { action: 'ssh.break_in', outcome: 'failure', srcIp: '173.234.31.186' },
    ],
    [
      'Address 1.2.3.4 maps to evil.example, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!',
      { action: 'ssh.break_in', srcIp: '1.2.3.4' },
    ],
    ['Connection closed by 212.47.254.145 [preauth]', { action: 'ssh.disconnect', srcIp: '212.47.254.145' }],
    [
      'Connection closed by authenticating user root 1.2.3.4 port 22 [preauth]',
      { action: 'ssh.disconnect', principal: 'root', srcIp: '1.2.3.4', srcPort: 22 },
    ],
    [
      'Connection closed by invalid user admin 2001:db8::1 port 22 [preauth]',
      { action: 'ssh.disconnect', principal: 'admin', srcIp: '2001:db8::1', attrs: { invalidUser: true } },
    ],
    ['Connection reset by 1.2.3.4 port 4444', { action: 'ssh.disconnect', srcIp: '1.2.3.4', srcPort: 4444 }],
    ['Disconnected from user ubuntu 10.0.0.5 port 50000', { action: 'ssh.disconnect', principal: 'ubuntu' }],
    ['Received disconnect from 10.0.2.2: 11: disconnected by user', { action: 'ssh.disconnect', srcIp: '10.0.2.2' }],
    [
      'Received disconnect from 1.2.3.4 port 55:11: Bye Bye [preauth]',
      { action: 'ssh.disconnect', srcIp: '1.2.3.4', srcPort: 55 },
    ],
    [
      'error: Received disconnect from 195.154.37.122: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]',
      { action: 'ssh.disconnect', srcIp: '195.154.37.122' },
    ],
    ['fatal: Read from socket failed: Connection reset by peer [preauth]', { action: 'ssh.disconnect' }],
    [
      'Timeout, client not responding from user bob 1.2.3.4 port 22.',
      { action: 'ssh.disconnect', principal: 'bob', srcIp: '1.2.3.4' },
    ],
    ['Did not receive identification string from 1.2.3.4 port 5', { action: 'ssh.probe', srcIp: '1.2.3.4' }],
    ["Bad protocol version identification 'GET / HTTP/1.1' from 1.2.3.4 port 5", { action: 'ssh.probe', srcPort: 5 }],
    ['banner exchange: Connection from 1.2.3.4 port 5: invalid format', { action: 'ssh.probe', srcIp: '1.2.3.4' }],
    ['kex_exchange_identification: Connection closed by remote host', { action: 'ssh.probe', srcIp: undefined }],
    [
      'Unable to negotiate with 1.2.3.4 port 5: no matching key exchange method found. Their offer: dh [preauth]',
      { action: 'ssh.probe', srcIp: '1.2.3.4' },
    ],
    [
      'ssh_dispatch_run_fatal: Connection from invalid user x 1.2.3.4 port 5: message authentication code incorrect',
      { action: 'ssh.probe', principal: 'x', srcIp: '1.2.3.4' },
    ],
    [
      'drop connection #0 from [1.2.3.4]:5555 on [10.0.0.1]:22 past MaxStartups',
      { action: 'ssh.probe', srcPort: 5555 },
    ],
    [
      'User root from 1.2.3.4 not allowed because not listed in AllowUsers',
      { action: 'ssh.failed', principal: 'root', srcIp: '1.2.3.4' },
    ],
    [
      'error: PAM: User not known to the underlying authentication module for illegal user test from test.example.com',
      {
        action: 'ssh.invalid_user',
        principal: 'test',
        srcIp: undefined,
        attrs: { invalidUser: true, rhost: 'test.example.com' },
      },
    ],
    [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root',
      { action: 'pam.auth_failure', principal: 'root', srcIp: '1.2.3.4', attrs: { service: 'sshd' } },
    ],
    [
      'PAM 4 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=202.109.143.106  user=root',
      { action: 'pam.auth_failure', principal: 'root', attrs: { service: 'sshd', count: 4 } },
    ],
    [
      'pam_unix(sshd:session): session opened for user fztu by (uid=0)',
      { action: 'session.open', outcome: 'success', principal: 'fztu', attrs: { service: 'sshd' } },
    ],
    ['pam_unix(sshd:session): session closed for user fztu', { action: 'session.close', principal: 'fztu' }],
    [
      'message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]',
      { action: 'ssh.failed', principal: 'root', attrs: { method: 'password', invalidUser: false, repeat: 5 } },
    ],
    ['Server listening on 0.0.0.0 port 22.', { action: 'auth.other', outcome: 'unknown' }],
    ['pam_unix(sshd:auth): check pass; user unknown', { action: 'auth.other' }],
  ];
  for (const [msg, want] of cases) {
    it(msg, () => {
      const got = sshd(msg);
      for (const [k, v] of Object.entries(want)) {
        if (k === 'attrs') expect(got.attrs).toEqual(v);
        else expect(got[k as keyof typeof got], k).toEqual(v);
      }
    });
  }

  it('takes the peer from the right: a user name cannot spoof the source address', () => {
    const got = sshd('Failed password for invalid user x from 6.6.6.6 port 22 ssh2 from 1.2.3.4 port 5555 ssh2');
    expect(got.srcIp).toBe('1.2.3.4');
    expect(got.srcPort).toBe(5555);
    expect(got.principal).toBe('x from 6.6.6.6 port 22 ssh2');
  });

  it('keeps user names with spaces and drops empty ones', () => {
    expect(sshd('Invalid user admin test from 1.2.3.4 port 5555').principal).toBe('admin test');
    const empty = sshd('Invalid user  from 1.2.3.4 port 5555');
    expect(empty.principal).toBeUndefined();
    expect(empty.srcIp).toBe('1.2.3.4');
  });

  it('puts a host name peer in attrs.rhost, never in srcIp', () => {
    const got = sshd('Failed password for root from evil.example.com port 22 ssh2');
    expect(got.srcIp).toBeUndefined();
    expect(got.attrs?.rhost).toBe('evil.example.com');
  });

  it('treats OpenSSH 9.8 sshd-session like sshd', () => {
    expect(sshd('Accepted password for a from 10.0.0.1 port 1 ssh2', 'sshd-session').action).toBe('ssh.login');
  });
});
