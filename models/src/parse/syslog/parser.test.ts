import { describe, expect, it } from 'vitest';
import { LogEventSchema } from '../../schema/event.ts';
import { compileValidator } from '../../schema/validate.ts';
import type { ParseResult } from '../types.ts';
import { SyslogParser, type SyslogParserOptions } from './parser.ts';

const validate = compileValidator(LogEventSchema);
const ctx = { file: 't', line: 1 };

function ok(r: ParseResult) {
  if (!r.ok) throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  validate(r.event, 'event');
  return r.event;
}

function parse(line: string, opts: SyslogParserOptions = { year: 2024 }) {
  return ok(new SyslogParser(opts).parse(line, ctx));
}

describe('syslog headers', () => {
  it('RFC 3164 with space-padded day, CRLF-stripped input and the contract fields', () => {
    const line = 'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186';
    const e = parse(line);
    expect(e).toEqual({
      ts: Date.UTC(2024, 11, 10, 6, 55, 46),
      source: 'ec2.auth',
      host: 'LabSZ',
      principal: 'webmaster',
      srcIp: '173.234.31.186',
      action: 'ssh.invalid_user',
      outcome: 'failure',
      program: 'sshd',
      pid: 24200,
      message: 'Invalid user webmaster from 173.234.31.186',
      attrs: { invalidUser: true },
      raw: line,
    });
    expect(parse('Jul  7 08:06:15 combo kernel: Linux version 2.6.5').ts).toBe(Date.UTC(2024, 6, 7, 8, 6, 15));
  });

  it('journald short (zero-padded day) and short-precise', () => {
    expect(parse('May 01 12:34:56 host sshd[1]: x').ts).toBe(Date.UTC(2024, 4, 1, 12, 34, 56));
    expect(parse('May 01 12:34:56.123456 host sshd[1]: x').ts).toBe(Date.UTC(2024, 4, 1, 12, 34, 56, 123));
  });

  it('rsyslog high-precision ISO and journald short-iso (offset without colon)', () => {
    const a = parse('2024-05-01T12:34:56.123456+00:00 host sshd[1]: Accepted password for a from 10.0.0.1 port 2 ssh2');
    expect(a.ts).toBe(Date.UTC(2024, 4, 1, 12, 34, 56, 123));
    expect(a.action).toBe('ssh.login');
    expect(parse('2024-05-01T14:34:56+0200 host cron[2]: x').ts).toBe(Date.UTC(2024, 4, 1, 12, 34, 56));
  });

  it('RFC 3164 with <PRI> and RFC 5424 with structured data and BOM', () => {
    const a = parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
    expect(a.host).toBe('mymachine');
    expect(a.program).toBe('su');
    const b = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventID="1011"] \uFEFFAn application event',
      { extendedAttrs: true },
    );
    expect(b.ts).toBe(Date.UTC(2003, 9, 11, 22, 14, 15, 3));
    expect(b.host).toBe('mymachine.example.com');
    expect(b.program).toBe('evntslog');
    expect(b.pid).toBeUndefined();
    expect(b.message).toBe('An application event');
    expect(b.attrs).toMatchObject({ facility: 20, severity: 5, msgId: 'ID47' });
  });

  it('journald -o json, including a MESSAGE stored as bytes', () => {
    const rec = {
      __REALTIME_TIMESTAMP: '1714566896123456',
      _HOSTNAME: 'web-1',
      SYSLOG_IDENTIFIER: 'sshd',
      _PID: '812',
      MESSAGE: 'Failed password for root from 1.2.3.4 port 22 ssh2',
    };
    const e = parse(JSON.stringify(rec));
    expect(e).toMatchObject({ ts: 1714566896123, host: 'web-1', program: 'sshd', pid: 812, action: 'ssh.failed' });
    const bytes = { ...rec, MESSAGE: [...Buffer.from('Invalid user x from 1.2.3.4')] };
    expect(parse(JSON.stringify(bytes)).action).toBe('ssh.invalid_user');
    const bad = new SyslogParser().parse('{"MESSAGE":"x"}', ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'missing_field', field: '__REALTIME_TIMESTAMP' } });
  });

  it('empty and missing host names, and lines without a tag', () => {
    const e = parse('Feb 22 10:21:43  sshd[1332]: last message repeated 2 times');
    expect(e.host).toBeUndefined();
    expect(e.program).toBe('sshd');
    expect(e.attrs).toEqual({ repeat: 2 });
    const f = parse('Feb 22 10:21:43 sshd[1332]: Connection closed by 1.2.3.4');
    expect(f.host).toBeUndefined();
    expect(f.program).toBe('sshd');
    const g = parse('Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2');
    expect(g.program).toBeUndefined();
    expect(g.message).toBe('-- root[2421]: ROOT LOGIN ON tty2');
  });

  it('skips blank lines and journalctl markers, rejects other lines with a named error', () => {
    const p = new SyslogParser({ year: 2024 });
    expect(p.parse('', ctx)).toEqual({ ok: false, skip: 'blank' });
    expect(p.parse('-- Reboot --', ctx)).toEqual({ ok: false, skip: 'header' });
    expect(p.parse('hello world', ctx)).toMatchObject({ ok: false, error: { code: 'bad_header' } });
    expect(p.parse('Feb 30 10:00:00 h x: y', ctx)).toMatchObject({ ok: false, error: { code: 'bad_time' } });
    expect(p.parse('Feb 10 25:00:00 h x: y', ctx)).toMatchObject({ ok: false, error: { code: 'bad_time' } });
  });
});

describe('syslog year', () => {
  it('rolls over Dec -> Jan and takes the year from the reference time when not given', () => {
    const p = new SyslogParser({ year: 2024 });
    const dec = ok(p.parse('Dec 31 23:59:59 h cron[1]: x', ctx));
    const jan = ok(p.parse('Jan  1 00:00:01 h cron[1]: x', ctx));
    expect(new Date(dec.ts).getUTCFullYear()).toBe(2024);
    expect(new Date(jan.ts).getUTCFullYear()).toBe(2025);
    const q = new SyslogParser({ referenceTimeMs: Date.UTC(2025, 1, 10) });
    expect(new Date(ok(q.parse('Nov  3 10:00:00 h x: y', ctx)).ts).getUTCFullYear()).toBe(2024);
    const r = new SyslogParser({ referenceTimeMs: Date.UTC(2025, 1, 10) });
    expect(new Date(ok(r.parse('Feb  3 10:00:00 h x: y', ctx)).ts).getUTCFullYear()).toBe(2025);
  });
});

describe('syslog classification', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'sudo:  vagrant : TTY=pts/0 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/sh -c echo a ; b',
      {
        action: 'sudo.command',
        outcome: 'success',
        principal: 'vagrant',
        resource: '/bin/sh -c echo a ; b',
        attrs: { tty: 'pts/0', pwd: '/home/vagrant', runAs: 'root' },
      },
    ],
    [
      'sudo:      tsg : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls',
      { action: 'sudo.failure', outcome: 'failure', principal: 'tsg', resource: '/bin/ls' },
    ],
    [
      'sudo:      tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/h ; USER=root ; COMMAND=/bin/ls',
      { action: 'sudo.failure' },
    ],
    [
      'sudo[9]: pam_unix(sudo:auth): authentication failure; logname=bob uid=1117 euid=0 tty=/dev/pts/1 ruser=alice rhost= user=root',
      { action: 'sudo.failure', principal: 'root', attrs: { service: 'sudo', tty: '/dev/pts/1' } },
    ],
    [
      'sudo: pam_unix(sudo:session): session opened for user root by vagrant(uid=1000)',
      { action: 'session.open', principal: 'root', attrs: { service: 'sudo' } },
    ],
    [
      'su[4496]: Successful su for tsg by root',
      { action: 'su', outcome: 'unknown', principal: 'root', attrs: { runAs: 'tsg' } },
    ],
    ['su[1]: FAILED su for root by mallory', { action: 'su', outcome: 'failure', principal: 'mallory' }],
    ['su[1]: (to root) ubuntu on pts/0', { action: 'su', principal: 'ubuntu', attrs: { runAs: 'root', tty: 'pts/0' } }],
    ['su[1]: + /dev/pts/1 root:tsg', { action: 'su', principal: 'root', attrs: { runAs: 'tsg', tty: '/dev/pts/1' } }],
    [
      'useradd[6995]: new user: name=apache, UID=48, GID=48, home=/usr/share/httpd, shell=/sbin/nologin',
      { action: 'account.change', principal: 'apache', resource: 'apache', attrs: { op: 'useradd' } },
    ],
    [
      'groupadd[4480]: new group: name=tsg, GID=1003',
      { action: 'account.change', principal: undefined, resource: 'tsg' },
    ],
    ["usermod[7]: add 'alice' to group 'sudo'", { action: 'account.change', principal: 'alice' }],
    [
      'passwd[4491]: pam_unix(passwd:chauthtok): password changed for tsg',
      { action: 'account.change', principal: 'tsg', attrs: { op: 'passwd' } },
    ],
    ['systemd-logind[1]: New session 3 of user ubuntu.', { action: 'session.open', principal: 'ubuntu' }],
    [
      'CRON[3448]: (root) CMD (cd / && run-parts --report /etc/cron.hourly)',
      { action: 'cron.command', principal: 'root', resource: 'cd / && run-parts --report /etc/cron.hourly' },
    ],
    [
      'CRON[3448]: pam_unix(cron:session): session opened for user root by (uid=0)',
      { action: 'session.open', principal: 'root', attrs: { service: 'cron' } },
    ],
    [
      'systemd[1]: Started nginx.service - A high performance web server and a reverse proxy server.',
      { action: 'service.start', outcome: 'success', resource: 'nginx.service' },
    ],
    [
      'systemd[1]: Starting Daily apt upgrade and clean activities...',
      { action: 'service.start', resource: 'Daily apt upgrade and clean activities' },
    ],
    ['systemd[1]: Stopped nginx.service.', { action: 'service.stop', resource: 'nginx.service' }],
    [
      "systemd[1]: nginx.service: Failed with result 'exit-code'.",
      { action: 'service.fail', outcome: 'failure', resource: 'nginx.service' },
    ],
    [
      'systemd[1]: nginx.service: Main process exited, code=exited, status=1/FAILURE',
      { action: 'service.fail', resource: 'nginx.service' },
    ],
    ['systemd[1]: nginx.service: Deactivated successfully.', { action: 'service.stop', resource: 'nginx.service' }],
    ['systemd[1]: Failed to start nginx.service.', { action: 'service.fail', resource: 'nginx.service' }],
    [
      'dpkg[10]: upgrade openssl:amd64 3.0.2-0ubuntu1.10 3.0.2-0ubuntu1.12',
      {
        action: 'package.change',
        outcome: 'success',
        resource: 'openssl',
        attrs: { op: 'upgrade', version: '3.0.2-0ubuntu1.12' },
      },
    ],
    [
      'dpkg[10]: install nmap <none> 7.91',
      { action: 'package.change', resource: 'nmap', attrs: { op: 'install', version: '7.91' } },
    ],
    ['apt[1]: remove telnet 0.17-44', { action: 'package.change', attrs: { op: 'remove', version: '0.17-44' } }],
    [
      'yum[1234]: Installed: nginx-1.20.1-1.el7.ngx.x86_64',
      { action: 'package.change', resource: 'nginx', attrs: { op: 'install', version: '1.20.1-1.el7.ngx' } },
    ],
    ['yum[1]: Erased: httpd-tools', { action: 'package.change', resource: 'httpd-tools', attrs: { op: 'remove' } }],
    [
      'kernel: [12345.678901] Out of memory: Killed process 4242 (java) total-vm:8000000kB, anon-rss:7000000kB',
      { action: 'kernel.oom', outcome: 'failure', resource: 'java', attrs: { victimPid: 4242 } },
    ],
    [
      'kernel: Out of memory: Kill process 77 (xmrig) score 900 or sacrifice child',
      { action: 'kernel.oom', resource: 'xmrig' },
    ],
    [
      'kernel: EXT4-fs error (device nvme0n1p1): ext4_find_entry:1455: comm bash: reading directory',
      { action: 'kernel.error' },
    ],
    ['kernel: NET: Registered protocol family 10', { action: 'kernel.info', outcome: 'unknown' }],
    [
      'nginx[5]: write() to "/var/log/x" failed (28: No space left on device)',
      { action: 'disk.full', outcome: 'failure' },
    ],
    ['ftpd[12277]: connection from 211.42.188.206 () at Fri Jul 22 09:27:24 2005', { action: 'syslog.other' }],
  ];
  for (const [msg, want] of cases) {
    it(msg, () => {
      const e = parse(`Feb 24 00:12:14 precise32 ${msg}`);
      for (const [k, v] of Object.entries(want)) {
        if (k === 'attrs') expect(e.attrs).toEqual(v);
        else expect(e[k as keyof typeof e], k).toEqual(v);
      }
    });
  }

  it('picks the source from the file name, else from the program', () => {
    expect(parse('Feb 1 00:00:00 h CRON[1]: (root) CMD (x)').source).toBe('ec2.syslog');
    expect(parse('Feb 1 00:00:00 h sudo: a : TTY=x ; PWD=/ ; USER=root ; COMMAND=/bin/id').source).toBe('ec2.auth');
    const forced = parse('Feb 1 00:00:00 h CRON[1]: (root) CMD (x)', { year: 2024, syslogSource: 'ec2.auth' });
    expect(forced.source).toBe('ec2.auth');
  });

  it('keeps only contract attrs unless extendedAttrs, and mines templates into attrs.template', () => {
    const line = 'Feb 1 00:00:00 h sshd[1]: Received disconnect from 1.2.3.4 port 5:11: Bye Bye [preauth]';
    expect(parse(line).attrs).toBeUndefined();
    expect(parse(line, { year: 2024, extendedAttrs: true }).attrs).toMatchObject({
      code: 11,
      reason: 'Bye Bye',
      preauth: true,
    });
    let n = 0;
    const templates = { add: () => ({ templateId: ++n }) };
    const e = parse('Feb 1 00:00:00 h ftpd[1]: hello', { year: 2024, templates });
    expect(e.attrs).toEqual({ template: 1 });
  });
});
